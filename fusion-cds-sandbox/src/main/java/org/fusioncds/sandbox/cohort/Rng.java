package org.fusioncds.sandbox.cohort;

/**
 * SplitMix64 (Steele, Lea, Flood 2014), written out so that a seed gives the same numbers on every
 * JVM and version. Transcendental functions go through {@link StrictMath} for the same reason.
 */
final class Rng {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  /** Independent streams of one patient, so that drawing more of one never shifts another. */
  enum Stream {
    IDS,
    CLINICAL,
    MEASUREMENTS,
    SCENE,
    PIXELS,
    HISTORY,
    SHIFT // appended: the streams before it keep their ordinals, so their draws
  }

  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  /** The stream {@code stream} of patient {@code index} in the cohort of {@code seed}. */
  static Rng of(long seed, int index, Stream stream) {
    long s = mix(mix(seed) + GOLDEN * (index + 1L));
    return new Rng(mix(s ^ (0xD1B54A32D192ED03L * (stream.ordinal() + 1L))));
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  double uniform(double from, double to) {
    return from + (to - from) * nextDouble();
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    return (int) Math.floor(nextDouble() * bound);
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Standard normal (Box–Muller, one value per call). */
  double gaussian() {
    double u = 1.0 - nextDouble();
    double v = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * Math.PI * v);
  }

  /** Approximately standard normal and cheap (Irwin–Hall of four uniforms), for pixel noise. */
  double roughGaussian() {
    return (nextDouble() + nextDouble() + nextDouble() + nextDouble() - 2.0) * 1.7320508075688772;
  }
}
