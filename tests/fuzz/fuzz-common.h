/* recorderbin fuzz targets — what their harnesses share: the input read
 * byte by byte, checks that abort with a message, and RECORDER_FUZZ_TRACE.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fuzz
{

/* Whether the environment variable `name` is set, not empty and not "0". */
inline bool
env_flag (const char *name)
{
  const char *e = std::getenv (name);
  return e && *e && std::strcmp (e, "0") != 0;
}

/* RECORDER_FUZZ_TRACE=1: the target prints every step to stderr. */
inline bool
tracing ()
{
  static const bool trace = env_flag ("RECORDER_FUZZ_TRACE");
  return trace;
}

/* Reports a failed check of the target, naming where, and aborts; each
 * target defines it (with what it knows of the step being checked). */
[[noreturn]] void fail (const char *file, int line, const char *what);

/* The fuzzer's input, read in order; past its end every byte reads 0. */
class Bytes
{
public:
  Bytes (const std::uint8_t *data, std::size_t size) : d_ (data), n_ (size) {}
  bool empty () const { return i_ >= n_; }
  std::uint8_t u8 () { return i_ < n_ ? d_[i_++] : 0; }
  std::uint16_t u16 ()
  {
    const std::uint16_t lo = u8 ();
    return static_cast<std::uint16_t> (lo | (u8 () << 8));
  }
  /* How far, in nanoseconds, the next event comes after the previous one:
   * often exactly at it or within a few samples (where rounding matters),
   * else up to about 655 ms. */
  std::uint64_t step ()
  {
    const std::uint8_t k = u8 ();
    if (k < 32)
      return 0;
    if (k < 96)
      return (k - 32) * std::uint64_t (997);
    return u16 () * std::uint64_t (10000) + k;
  }

private:
  const std::uint8_t *d_;
  std::size_t n_;
  std::size_t i_ = 0;
};

} // namespace fuzz

#define FUZZ_CHECK(cond)                                                       \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        fuzz::fail (__FILE__, __LINE__, #cond);                                \
    }                                                                          \
  while (0)

#define TRACE(...)                                                             \
  do                                                                           \
    {                                                                          \
      if (fuzz::tracing ())                                                    \
        std::fprintf (stderr, __VA_ARGS__);                                    \
    }                                                                          \
  while (0)
