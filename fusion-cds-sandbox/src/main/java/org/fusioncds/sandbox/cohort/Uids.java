package org.fusioncds.sandbox.cohort;

import java.math.BigInteger;

/**
 * DICOM UIDs under the root 2.25 (PS3.5 B.2): the decimal integer of a version 4 UUID whose random
 * bits come from the cohort's seeded generator, so a seed always gives the same UIDs.
 */
final class Uids {

  private Uids() {}

  static String next(Rng rng) {
    long hi = (rng.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    BigInteger value = toUnsigned(hi).shiftLeft(64).or(toUnsigned(lo));
    return "2.25." + value;
  }

  private static BigInteger toUnsigned(long v) {
    BigInteger b = BigInteger.valueOf(v & Long.MAX_VALUE);
    return v < 0 ? b.setBit(63) : b;
  }
}
