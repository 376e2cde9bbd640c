/* recorderbin benchmark: what every scenario shares (options, resource
 * measurement, statistics, files, child processes). See README.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include <map>
#include <string>
#include <vector>

namespace bench
{

constexpr int kRate = 48000;
constexpr int kSamplesPerBuffer = 960; /* 20 ms */

struct Options
{
  int iterations = 3;         /* runs per variant, non-live scenarios */
  int live_iterations = 2;    /* runs per variant, live scenarios */
  int seconds = 0;            /* non-live audio per pad; 0: the scenario's */
  double live_seconds = 30;   /* length of each live call */
  int calls = 50;             /* concurrent live calls */
  double max_lag_ms = 200;    /* real-time criterion, see live.cpp */
  double bare_latency_ms = 0; /* audiointerleave latency, live baseline */
  int search_max = 2000;      /* live-search: largest N tried */
  std::vector<std::string> scenarios;
  bool run_bare = true;     /* the baseline variant */
  bool run_recorder = true; /* the recorderbin variant */
  bool rss = true;
  bool warmup = true;
  bool verbose = false;
  std::string tmpdir;
  std::string self_exe;
};

/* ---- resource use ------------------------------------------------------- */

/* This process: CPU time of all its threads (ended ones included), wall
 * time, voluntary and involuntary context switches. */
struct Usage
{
  double cpu_s = 0;
  double wall_s = 0;
  double vcsw = 0;
  double icsw = 0;
};
Usage usage_now ();
Usage usage_since (const Usage &start);

/* A "Vm...:" line of /proc/self/status in KiB (VmRSS, VmHWM), or -1. */
long proc_status_kib (const char *key);
/* Threads of this process now. */
int thread_count ();

/* ---- statistics --------------------------------------------------------- */

struct Spread
{
  double median = 0, min = 0, max = 0;
  std::size_t n = 0;
};
double median (std::vector<double> v);
Spread spread (const std::vector<double> &v);
/* Element-wise num[i] / den[i] of two runs' series (pairs run next to each
 * other). */
std::vector<double> pair_ratios (const std::vector<double> &num,
                                 const std::vector<double> &den);
std::string fmt (double v, const char *format = "%.3f");
std::string fmt_ratio (double num, double den);
/* "median [min-max]" of a series of ratios. */
std::string fmt_spread (const Spread &s, const char *format = "%.3f");
const char *verdict (double ratio, double target);

/* ---- pipelines ---------------------------------------------------------- */

/* Makes a `factory` element and adds it to `bin`; exits if it is missing. */
GstElement *make (const char *factory, GstElement *bin);
GstCaps *raw_caps (const char *format, int channels);
/* A capsfilter with S16LE, 48 kHz, `channels`. */
GstElement *make_s16_capsfilter (GstElement *bin, int channels);
void link_or_die (GstElement *a, GstElement *b, const char *what);
/* channel-positions FL, FR on an audiointerleave. */
void set_fl_fr_positions (GstElement *interleave);
/* The first element made by `factory` in `bin`, at any depth (a new
 * reference), or null. */
GstElement *find_by_factory (GstElement *bin, const char *factory);
/* Channels of the raw audio an opusenc/wavenc in `bin` takes, or 0. */
int encoder_channels (GstElement *bin);
/* "ERROR from /pipe/elem: message" for an ERROR or WARNING message. */
std::string describe_message (GstMessage *msg);

/* ---- files -------------------------------------------------------------- */

std::string temp_file (const Options &opt, const char *variant,
                       const char *ext);
long long file_size (const std::string &path);
/* SHA-1 of a WAV file's data chunk, and its size (-1 if there is none).
 * The header around it may differ (wavenc adds an INFO chunk after the data
 * when it saw tags). */
std::string wav_data_sha1 (const std::string &path, long long *data_bytes);
/* Samples per channel (last granule position minus the pre-skip) and
 * channels of an Ogg/Opus file; samples -1 if it cannot be read. */
struct OpusFile
{
  long long samples = -1;
  int channels = 0;
};
OpusFile opus_file_info (const std::string &path);

/* ---- child processes ---------------------------------------------------- */

/* Runs this binary with `--child ARGS --tmpdir DIR`; returns the "key value"
 * lines it printed on stdout, or an empty map if it failed. */
std::map<std::string, double> run_child (const Options &opt,
                                         const std::vector<std::string> &args);
/* In a child: one "key value" line for the parent. */
void child_report (const char *key, double value);

} // namespace bench
