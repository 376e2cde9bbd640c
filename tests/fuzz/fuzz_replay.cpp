/* recorderbin — a standalone driver for the fuzz targets, for compilers
 * without libFuzzer and for CI: runs a target's LLVMFuzzerTestOneInput
 * over deterministic pseudo-random inputs, or over saved inputs.
 *
 *   <target>-replay [ITERATIONS [SEED]]   pseudo-random inputs (default 20000)
 *   <target>-replay PATH...               saved inputs: files, or directories
 *                                         (every file in them, in name order)
 *   <target>-replay --write-seeds DIR N [SEED]
 *                                         writes N pseudo-random inputs to DIR
 *                                         (seed-NNNN), to start a fuzzer from
 *
 * Files named known-bug-* inside a directory are skipped: they reproduce
 * bugs not fixed yet (tests/fuzz/README.md). Name one explicitly to run it.
 *
 * The target abort()s on the first broken check (or crashes); the driver
 * prints the input first (its file name, or as hex: `xxd -r -p` turns it back
 * into a file to replay). A target that needs it gets LLVMFuzzerInitialize
 * first, as under libFuzzer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput (const std::uint8_t *data,
                                       std::size_t size);
extern "C" int LLVMFuzzerInitialize (int *argc, char ***argv)
    __attribute__ ((weak));

namespace
{

const char *g_name = "fuzz-replay";
/* Printed only if the target aborts on this input. */
const std::vector<std::uint8_t> *g_current = nullptr;
const char *g_file = nullptr;
unsigned long g_iteration = 0;

void
dump_current (int sig)
{
  if (g_file)
    std::fprintf (stderr, "%s: input %s\n", g_name, g_file);
  else if (g_current)
    {
      std::fprintf (stderr, "%s: iteration %lu, input:\n", g_name, g_iteration);
      for (std::uint8_t b : *g_current)
        std::fprintf (stderr, "%02x", b);
      std::fprintf (stderr, "\n");
    }
  std::signal (sig, SIG_DFL);
  std::raise (sig);
}

bool
parse_number (const char *s, unsigned long &out)
{
  char *end = nullptr;
  errno = 0;
  out = std::strtoul (s, &end, 10);
  return errno == 0 && end != s && *end == '\0';
}

/* Inputs shaped like the decoders': a header, then op bytes with their
 * arguments. Random bytes alone reach everything too, but op-heavy inputs
 * and small argument values make events land inside the audio more often. */
std::vector<std::uint8_t>
make_input (std::mt19937 &rng)
{
  std::uniform_int_distribution<int> byte (0, 255);
  std::vector<std::uint8_t> v;
  const std::size_t len = 1 + rng () % 400;
  const bool small_args = rng () % 2;
  v.reserve (len);
  for (std::size_t i = 0; i < len; i++)
    {
      int b = byte (rng);
      if (small_args && i > 4 && (rng () % 3) == 0)
        b %= 16;
      v.push_back (static_cast<std::uint8_t> (b));
    }
  return v;
}

bool
is_dir (const std::string &path)
{
  struct stat st;
  return stat (path.c_str (), &st) == 0 && S_ISDIR (st.st_mode);
}

/* The files to replay for one argument. */
bool
collect (const std::string &path, std::vector<std::string> &files)
{
  if (!is_dir (path))
    {
      files.push_back (path);
      return true;
    }
  DIR *d = opendir (path.c_str ());
  if (!d)
    return false;
  std::vector<std::string> found;
  while (const dirent *e = readdir (d))
    {
      const std::string name = e->d_name;
      if (name[0] == '.' || name.rfind ("known-bug-", 0) == 0)
        continue;
      const std::string full = path + "/" + name;
      if (!is_dir (full))
        found.push_back (full);
    }
  closedir (d);
  std::sort (found.begin (), found.end ());
  files.insert (files.end (), found.begin (), found.end ());
  return true;
}

} // namespace

int
main (int argc, char **argv)
{
  if (const char *slash = std::strrchr (argv[0], '/'))
    g_name = slash + 1;
  else
    g_name = argv[0];
  for (int sig : { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL })
    std::signal (sig, dump_current);
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize (&argc, &argv);

  unsigned long iterations = 20000;
  unsigned long seed = 1;
  if (argc > 3 && std::strcmp (argv[1], "--write-seeds") == 0)
    {
      unsigned long n = 0;
      if (!parse_number (argv[3], n)
          || (argc > 4 && !parse_number (argv[4], seed)))
        {
          std::fprintf (stderr, "usage: %s --write-seeds DIR N [SEED]\n",
                        argv[0]);
          return 2;
        }
      std::mt19937 rng (static_cast<std::mt19937::result_type> (seed));
      for (unsigned long i = 0; i < n; i++)
        {
          const std::vector<std::uint8_t> v = make_input (rng);
          char name[32];
          std::snprintf (name, sizeof name, "/seed-%04lu", i);
          std::ofstream f (std::string (argv[2]) + name, std::ios::binary);
          f.write (reinterpret_cast<const char *> (v.data ()),
                   static_cast<std::streamsize> (v.size ()));
          if (!f)
            {
              std::fprintf (stderr, "%s: cannot write to %s\n", g_name,
                            argv[2]);
              return 2;
            }
        }
      return 0;
    }
  if (argc > 1 && !parse_number (argv[1], iterations))
    {
      std::vector<std::string> files;
      for (int i = 1; i < argc; i++)
        if (!collect (argv[i], files))
          {
            std::fprintf (stderr, "%s: cannot read %s\n", g_name, argv[i]);
            return 2;
          }
      for (const std::string &path : files)
        {
          std::ifstream f (path, std::ios::binary);
          if (!f)
            {
              std::fprintf (stderr, "%s: cannot read %s\n", g_name,
                            path.c_str ());
              return 2;
            }
          std::vector<std::uint8_t> v ((std::istreambuf_iterator<char> (f)),
                                       std::istreambuf_iterator<char> ());
          g_current = &v;
          g_file = path.c_str ();
          LLVMFuzzerTestOneInput (v.data (), v.size ());
        }
      if (files.empty ())
        {
          std::fprintf (stderr, "%s: no inputs\n", g_name);
          return 2;
        }
      std::printf ("%s: %zu inputs ok\n", g_name, files.size ());
      return 0;
    }
  if (argc > 2 && !parse_number (argv[2], seed))
    {
      std::fprintf (stderr, "usage: %s [ITERATIONS [SEED]] | PATH...\n",
                    argv[0]);
      return 2;
    }

  std::mt19937 rng (static_cast<std::mt19937::result_type> (seed));
  for (g_iteration = 0; g_iteration < iterations; g_iteration++)
    {
      const std::vector<std::uint8_t> v = make_input (rng);
      g_current = &v;
      LLVMFuzzerTestOneInput (v.data (), v.size ());
    }
  g_current = nullptr;
  std::printf ("%s: %lu inputs ok (seed %lu)\n", g_name, iterations, seed);
  return 0;
}
