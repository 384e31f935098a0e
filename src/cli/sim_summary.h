// Printing what a simulator run wrote, shared by `ncert sim run` and
// `ncert demo`: a line per output file with its counts, then the ground
// truth highlights, in English or Japanese, or one JSON object.
//
// Thread safety: free functions.
#ifndef NCERT_CLI_SIM_SUMMARY_H_
#define NCERT_CLI_SIM_SUMMARY_H_

#include <string>

#include "cli/context.h"
#include "sim/engine.h"
#include "sim/scenario.h"

namespace ncert::cli {

// The scenario folder for this process: --scenarios, else sim/scenarios in
// the current directory, else beside the binary's project root.
std::string ScenarioDir(Context& ctx, const std::string& flag);

void PrintSimFiles(Context& ctx, const sim::RunSummary& s,
                   const std::string& out_dir, double seconds);
void PrintSimTruth(Context& ctx, const sim::Scenario& sc,
                   const sim::RunSummary& s, const std::string& indent);
std::string SimSummaryJson(const sim::RunSummary& s, const std::string& out_dir,
                           double seconds);

}  // namespace ncert::cli

#endif  // NCERT_CLI_SIM_SUMMARY_H_
