package org.fusioncds.audit;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * How the audit journal groups its writes ({@code audit.journal.*}): at most {@code maxGroup}
 * records per force; the writer waits up to {@code maxWaitMicros} for appenders still encoding (a
 * lone appender never waits); a segment file is rolled past {@code segmentBytes}.
 */
public record JournalSettings(int maxGroup, long maxWaitMicros, long segmentBytes) {

  /** The defaults of {@code application.properties}. */
  public static final JournalSettings DEFAULTS = new JournalSettings(256, 2000, 8L << 20);

  public JournalSettings {
    if (maxGroup < 1 || maxWaitMicros < 0 || segmentBytes < 1) {
      throw new FcdsException(
          ErrorCode.AUDIT_JOURNAL_SETTINGS,
          "audit.journal settings out of range — max-group "
              + maxGroup
              + ", max-wait-us "
              + maxWaitMicros
              + ", segment-bytes "
              + segmentBytes);
    }
  }
}
