// --tlp, --share-with and --clearance: how a command that adds knowledge
// (ingest, match --record, ...) lets its caller say who may see it.
//
// Thread safety: values and pure functions.
#ifndef NCERT_CLI_SHARE_ARGS_H_
#define NCERT_CLI_SHARE_ARGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "access/labeler.h"
#include "access/principal.h"
#include "cli/context.h"
#include "core/status.h"
#include "store/directory.h"

namespace ncert::cli {

struct ShareArgs {
  std::string tlp;  // for objects without a TLP marking
  std::vector<std::string>
      share_with;  // org:X sector:S group:G user:U all public
  std::string clearance = "none";
};

// Declares the three options on `cmd`; `what` names the things shared in
// the help text ("objects", "sightings").
void AddShareOptions(CLI::App* cmd, ShareArgs* args, const std::string& what);

// True when `role` may add knowledge (not sensors, not policy readers).
bool MayWriteKnowledge(access::Role role);

// Ok when `who` may add knowledge; otherwise audits the denial ("write"
// on `target`, e.g. "ingest", result "denied: role") and returns
// PermissionDenied "<user> (<role>) may not add knowledge<detail>".
Status CheckMayWriteKnowledge(Context& ctx, store::Directory& dir,
                              const access::Principal& who,
                              std::string_view target,
                              std::string_view detail = "");

// Turns the options into the sharing choices of `who`. Everything a member
// shares also reaches the national CERT (org 1): that is what sharing with
// the CERT means. InvalidArgument names the bad option.
Result<access::ShareOptions> BuildShare(const ShareArgs& args,
                                        const access::Principal& who,
                                        store::Directory& dir);

}  // namespace ncert::cli

#endif  // NCERT_CLI_SHARE_ARGS_H_
