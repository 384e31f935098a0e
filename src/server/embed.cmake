# Writes OUT, a C++ file defining ncert::server::kOpenApiJson with the bytes
# of IN (a raw string literal; the delimiter must not occur in IN).
file(READ ${IN} CONTENT)
string(FIND "${CONTENT}" ")ncert_openapi\"" FOUND)
if(NOT FOUND EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from openapi.json by embed.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace ncert::server {\n"
  "extern const std::string_view kOpenApiJson;\n"
  "const std::string_view kOpenApiJson = R\"ncert_openapi(${CONTENT})ncert_openapi\";\n"
  "}  // namespace ncert::server\n")
