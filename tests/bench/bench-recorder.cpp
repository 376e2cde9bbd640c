/* recorderbin benchmark: recorderbin against the GStreamer pipelines it
 * replaces, on the same input, in the same run, alternating. Only ratios
 * are meaningful; no absolute time is asserted. See tests/bench/README.md.
 *
 * Non-live scenarios (offline.cpp), whole files as fast as possible:
 *   ogg-opus, wav, agent   two mono pads, against the chain recorderbin
 *                          used to build inside (same element settings)
 *   wav-user, opus-user    one stereo pad, against the chain a user writes
 *   opus-2pad-user         two mono pads, against audiointerleave ! opusenc
 * Live scenarios (live.cpp), N concurrent calls in real time:
 *   live, live-search      recorderbin against the bare live chain
 *   clip                   clipping events against none
 *   memory                 RSS per call and per held recording
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench-scenarios.h"

using namespace bench;

namespace
{

const std::vector<std::string> kInternal = { "ogg-opus", "wav", "agent" };
const std::vector<std::string> kUser
    = { "wav-user", "opus-user", "opus-2pad-user" };
const std::vector<std::string> kLive = { "live", "clip", "memory" };

std::vector<std::string>
default_set ()
{
  std::vector<std::string> v = kInternal;
  v.insert (v.end (), kUser.begin (), kUser.end ());
  v.insert (v.end (), kLive.begin (), kLive.end ());
  return v;
}

void
usage (void)
{
  g_print (
      "usage: bench-recorder [--scenario LIST] [--iterations R] [--seconds S]\n"
      "         [--live-iterations R] [--calls N] [--live-seconds S]\n"
      "         [--max-lag-ms MS] [--bare-latency-ms MS] [--search-max N]\n"
      "         [--variant both|bare|recorder] [--no-rss]\n"
      "         [--no-warmup] [--tmpdir DIR] [--verbose] [--profile]\n"
      "Ratios of recorderbin against GStreamer pipelines built by hand.\n"
      "Scenarios (LIST is comma-separated):\n"
      "  ogg-opus wav agent      2 mono pads vs the former internal chain\n"
      "  wav-user opus-user      1 stereo pad vs audioconvert ! "
      "audioresample ! ...\n"
      "  opus-2pad-user          2 mono pads vs audiointerleave ! opusenc "
      "! ...\n"
      "  live                    N live two-pad calls vs the bare live chain\n"
      "  live-search             the largest N that stays real time (slow)\n"
      "  clip                    interrupt + pause/resume every second vs "
      "none\n"
      "  memory                  RSS per live call and per held recording\n"
      "  groups: internal, user, default (all but live-search; what runs\n"
      "  without --scenario), all (default + live-search)\n"
      "--seconds S: audio per pad of the non-live scenarios (default 60 for\n"
      "  internal, 180 for user). --calls N (default 50), --live-seconds S\n"
      "  (default 30): the live calls. --profile: print perf and callgrind\n"
      "  commands for the chosen scenarios and exit.\n");
}

bool
add_scenarios (const std::string &list, std::vector<std::string> &out)
{
  gchar **parts = g_strsplit (list.c_str (), ",", -1);
  bool ok = true;
  for (gchar **p = parts; *p; p++)
    {
      const std::string s = *p;
      std::vector<std::string> add;
      if (s == "all")
        {
          add = default_set ();
          add.push_back ("live-search");
        }
      else if (s == "default")
        add = default_set ();
      else if (s == "internal")
        add = kInternal;
      else if (s == "user")
        add = kUser;
      else if (is_offline_scenario (s) || is_live_scenario (s))
        add = { s };
      else
        {
          g_printerr ("bench-recorder: unknown scenario '%s'\n", s.c_str ());
          ok = false;
        }
      for (const std::string &a : add)
        if (std::find (out.begin (), out.end (), a) == out.end ())
          out.push_back (a);
    }
  g_strfreev (parts);
  return ok;
}

} // namespace

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  /* GStreamer's streaming threads come from GLib's shared thread pool,
   * which would keep the threads of ended pipelines for the next ones: then
   * a count of threads says nothing of what a call needs. */
  g_thread_pool_set_max_unused_threads (0);

  Options opt;
  std::vector<std::string> child_args;
  bool child = false, profile = false;
  for (int i = 1; i < argc; i++)
    {
      const std::string a = argv[i];
      auto next = [&] () -> std::string {
        if (i + 1 >= argc)
          {
            usage ();
            exit (2);
          }
        return argv[++i];
      };
      if (a == "--iterations")
        opt.iterations = std::max (1, atoi (next ().c_str ()));
      else if (a == "--live-iterations")
        opt.live_iterations = std::max (1, atoi (next ().c_str ()));
      else if (a == "--seconds")
        opt.seconds = std::max (1, atoi (next ().c_str ()));
      else if (a == "--live-seconds")
        opt.live_seconds
            = std::max (2.0, g_ascii_strtod (next ().c_str (), NULL));
      else if (a == "--calls")
        opt.calls = std::max (1, atoi (next ().c_str ()));
      else if (a == "--max-lag-ms")
        opt.max_lag_ms = g_ascii_strtod (next ().c_str (), NULL);
      else if (a == "--bare-latency-ms")
        opt.bare_latency_ms = g_ascii_strtod (next ().c_str (), NULL);
      else if (a == "--search-max")
        opt.search_max = std::max (1, atoi (next ().c_str ()));
      else if (a == "--scenario")
        {
          if (!add_scenarios (next (), opt.scenarios))
            {
              usage ();
              return 2;
            }
        }
      else if (a == "--variant")
        {
          const std::string v = next ();
          opt.run_bare = v == "both" || v == "bare";
          opt.run_recorder = v == "both" || v == "recorder";
          if (!opt.run_bare && !opt.run_recorder)
            {
              usage ();
              return 2;
            }
        }
      else if (a == "--no-rss")
        opt.rss = false;
      else if (a == "--no-warmup")
        opt.warmup = false;
      else if (a == "--verbose")
        opt.verbose = true;
      else if (a == "--profile")
        profile = true;
      else if (a == "--tmpdir")
        opt.tmpdir = next ();
      else if (a == "--child")
        {
          child = true;
          while (i + 1 < argc && strncmp (argv[i + 1], "--", 2) != 0)
            child_args.push_back (argv[++i]);
        }
      else if (a == "--help" || a == "-h")
        {
          usage ();
          return 0;
        }
      else
        {
          usage ();
          return 2;
        }
    }
  if (opt.tmpdir.empty ())
    {
      const char *d = g_getenv ("RECORDER_BENCH_TMPDIR");
      opt.tmpdir = d ? d : g_get_tmp_dir ();
    }
  if (child)
    {
      if (!child_args.empty () && child_args[0] == "offline")
        return offline_child (opt,
                              std::vector<std::string> (child_args.begin () + 1,
                                                        child_args.end ()));
      return live_child (opt, child_args);
    }
  if (opt.scenarios.empty ())
    opt.scenarios = default_set ();

  if (profile)
    {
      for (const std::string &s : opt.scenarios)
        if (is_offline_scenario (s))
          print_offline_profile_hint (s);
        else
          print_live_profile_hint (s, opt);
      return 0;
    }

  {
    gchar *exe = g_file_read_link ("/proc/self/exe", NULL);
    opt.self_exe = exe ? exe : argv[0];
    g_free (exe);
  }

  std::string list;
  for (const std::string &s : opt.scenarios)
    list += (list.empty () ? "" : ",") + s;
  g_print ("recorderbin benchmark: %s; R=%d (live: %d), %s\n", list.c_str (),
           opt.iterations, opt.live_iterations, gst_version_string ());
  g_print ("cpu = CLOCK_PROCESS_CPUTIME_ID (all threads), wall = "
           "CLOCK_MONOTONIC, context switches from getrusage, all over "
           "PLAYING -> EOS -> NULL in this process;\n"
           "peak RSS = VmHWM of a child process running one variant once. "
           "Variants alternate; medians of R runs.\n\n");
  fflush (stdout);

  Report report;
  for (const std::string &s : opt.scenarios)
    if (is_offline_scenario (s))
      run_offline_scenario (opt, s, report);
    else
      run_live_scenario (opt, s, report);

  for (const std::string &l : report.bench_lines)
    g_print ("%s\n", l.c_str ());
  if (report.invalid)
    {
      g_printerr ("bench-recorder: some runs were invalid (see above): the "
                  "numbers do not measure a correct recording\n");
      return 1;
    }
  return 0;
}
