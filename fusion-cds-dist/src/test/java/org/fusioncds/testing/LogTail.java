package org.fusioncds.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this test JVM logged (logback-test.xml's capture file) since the last look. */
public final class LogTail {

  private long offset;

  /** Starts at the log's present end. */
  public static LogTail fromNow() throws IOException {
    LogTail t = new LogTail();
    t.offset = Files.exists(file()) ? Files.size(file()) : 0;
    return t;
  }

  /** The lines logged since the last call (or since {@link #fromNow}). */
  public synchronized String next() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "r")) {
      long end = f.length();
      byte[] b = new byte[(int) Math.max(0, end - offset)];
      f.seek(offset);
      f.readFully(b);
      offset = end;
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  static Path file() {
    return Path.of(System.getProperty("fcds.test.log", "target/test-logs/tests.log"));
  }
}
