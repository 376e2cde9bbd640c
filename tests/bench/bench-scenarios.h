/* recorderbin benchmark: the two families of scenarios. See README.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <string>
#include <vector>

#include "bench-util.h"

namespace bench
{

/* What a scenario adds to the report. */
struct Report
{
  std::vector<std::string> bench_lines; /* "BENCH name key=value ..." */
  bool invalid = false;                 /* a run failed its checks */
};

/* Non-live: whole files as fast as the machine goes (offline.cpp). */
bool is_offline_scenario (const std::string &name);
void run_offline_scenario (const Options &opt, const std::string &name,
                           Report &report);
/* `--child offline SCENARIO VARIANT BUFFERS`: one run, then its peak RSS. */
int offline_child (const Options &opt, const std::vector<std::string> &args);
/* How to profile a non-live scenario. */
void print_offline_profile_hint (const std::string &name);

/* Live: concurrent calls in real time (live.cpp). */
bool is_live_scenario (const std::string &name);
void run_live_scenario (const Options &opt, const std::string &name,
                        Report &report);
/* `--child memory ...`: live calls in a fresh process, RSS per call. */
int live_child (const Options &opt, const std::vector<std::string> &args);
void print_live_profile_hint (const std::string &name, const Options &opt);

} // namespace bench
