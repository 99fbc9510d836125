package org.fusioncds.sandbox.cohort;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Where the cohort's visits fall: {@code days} days from {@code start} (UTC). The default is 2025;
 * the demo puts visits in the day before now, so that its studies are recent enough to be eligible.
 * A seed gives the same cohort in any frame, moved in time.
 */
public record VisitFrame(LocalDateTime start, int days) {

  public static final VisitFrame YEAR_2025 = new VisitFrame(Identity.REFERENCE, 365);

  /** The day before {@code end}. */
  public static VisitFrame dayBefore(Instant end) {
    return new VisitFrame(LocalDateTime.ofInstant(end, ZoneOffset.UTC).minusDays(1), 1);
  }
}
