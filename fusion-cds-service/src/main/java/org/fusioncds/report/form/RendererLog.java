package org.fusioncds.report.form;

import com.openhtmltopdf.util.Diagnostic;
import com.openhtmltopdf.util.XRLog;
import com.openhtmltopdf.util.XRLogger;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * openhtmltopdf's log through SLF4J: its warnings and errors as WARN, everything else (a dozen INFO
 * lines per document by default, on java.util.logging) as DEBUG. The renderer sees only our
 * template and the case's values; its messages name neither the patient nor a token.
 */
final class RendererLog implements XRLogger {

  private static final Logger LOG =
      LoggerFactory.getLogger("org.fusioncds.report.form.openhtmltopdf");

  private RendererLog() {}

  static void install() {
    if (!(XRLog.getLoggerImpl() instanceof RendererLog)) {
      XRLog.setLoggerImpl(new RendererLog());
    }
  }

  @Override
  public void log(String where, Level level, String msg) {
    log(where, level, msg, null);
  }

  @Override
  public void log(String where, Level level, String msg, Throwable th) {
    if (level.intValue() >= Level.WARNING.intValue()) {
      LOG.warn("{}: {}", where, msg, th);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{}: {}", where, msg, th);
    }
  }

  @Override
  public void setLevel(String logger, Level level) {
    // the level is SLF4J's
  }

  @Override
  public boolean isLogLevelEnabled(Diagnostic d) {
    return d.getLevel().intValue() >= Level.WARNING.intValue() || LOG.isDebugEnabled();
  }
}
