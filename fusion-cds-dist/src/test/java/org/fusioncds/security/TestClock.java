package org.fusioncds.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock plus an offset that a test moves forward. */
final class TestClock extends Clock {

  private volatile Duration offset = Duration.ZERO;
  private final Instant fixed;

  private TestClock(Instant fixed) {
    this.fixed = fixed;
  }

  /** Real time, moved by {@link #advance}. */
  static TestClock system() {
    return new TestClock(null);
  }

  /** A stopped clock at {@code at}, moved only by {@link #advance}. */
  static TestClock fixedAt(Instant at) {
    return new TestClock(at);
  }

  void advance(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public Instant instant() {
    return (fixed != null ? fixed : Instant.now()).plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock has one zone");
  }
}
