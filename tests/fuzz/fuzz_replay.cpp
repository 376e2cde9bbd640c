/* recorderbin — a standalone driver for fuzz_timeline.cpp, for compilers
 * without libFuzzer and for CI: runs LLVMFuzzerTestOneInput over
 * deterministic pseudo-random inputs.
 *
 *   fuzz-timeline-replay [ITERATIONS [SEED]]   default 20000 iterations
 *   fuzz-timeline-replay FILE...               replay saved inputs (crashes)
 *
 * The target abort()s on the first broken invariant; the driver prints the
 * iteration and the input first (as hex: `xxd -r -p` turns it back into a
 * file to replay).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput (const std::uint8_t *data,
                                       std::size_t size);

namespace
{

/* Printed only if the target aborts on this input. */
const std::vector<std::uint8_t> *g_current = nullptr;
unsigned long g_iteration = 0;

void
dump_current (int)
{
  if (g_current)
    {
      std::fprintf (stderr, "fuzz-timeline-replay: iteration %lu, input:\n",
                    g_iteration);
      for (std::uint8_t b : *g_current)
        std::fprintf (stderr, "%02x", b);
      std::fprintf (stderr, "\n");
    }
  std::signal (SIGABRT, SIG_DFL);
  std::abort ();
}

bool
parse_number (const char *s, unsigned long &out)
{
  char *end = nullptr;
  errno = 0;
  out = std::strtoul (s, &end, 10);
  return errno == 0 && end != s && *end == '\0';
}

/* Inputs shaped like the decoder's: a header, then op bytes with their
 * arguments. Random bytes alone reach everything too, but op-heavy inputs
 * and small argument values make pauses, resumes and interrupts land inside
 * the audio more often. */
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

} // namespace

int
main (int argc, char **argv)
{
  std::signal (SIGABRT, dump_current);

  unsigned long iterations = 20000;
  unsigned long seed = 1;
  if (argc > 1 && !parse_number (argv[1], iterations))
    {
      /* Files: replay each one. */
      for (int i = 1; i < argc; i++)
        {
          std::ifstream f (argv[i], std::ios::binary);
          if (!f)
            {
              std::fprintf (stderr, "fuzz-timeline-replay: cannot read %s\n",
                            argv[i]);
              return 2;
            }
          std::vector<std::uint8_t> v ((std::istreambuf_iterator<char> (f)),
                                       std::istreambuf_iterator<char> ());
          g_current = &v;
          LLVMFuzzerTestOneInput (v.data (), v.size ());
        }
      std::printf ("fuzz-timeline-replay: %d inputs ok\n", argc - 1);
      return 0;
    }
  if (argc > 2 && !parse_number (argv[2], seed))
    {
      std::fprintf (stderr, "usage: %s [ITERATIONS [SEED]] | FILE...\n",
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
  std::printf ("fuzz-timeline-replay: %lu inputs ok (seed %lu)\n", iterations,
               seed);
  return 0;
}
