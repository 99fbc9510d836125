package org.fusioncds.error;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A throwable as the log may show it: the class of each exception in the cause chain (with its code
 * where it is an {@link FcdsException}) and the frames where it was thrown, never a message —
 * messages of the libraries we call carry URLs, ids and values of the patient's record. What an
 * operator needs to find the fault (where, which kind) without a line of PHI. Past the frames
 * shown, the first frame of fusion-cds is named: where our code called the library that failed.
 */
public final class Traces {

  /** Frames shown of each exception in the chain. */
  static final int FRAMES = 12;

  /** Exceptions shown of one chain (a cause loop or a very deep chain ends there). */
  static final int CHAIN = 8;

  private Traces() {}

  /** The chain of {@code t} as class names, codes and frames, without messages. */
  public static String withoutMessages(Throwable t) {
    if (t == null) {
      return "no exception";
    }
    StringBuilder out = new StringBuilder();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int depth = 0;
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      if (depth == CHAIN) {
        out.append("\n  … deeper causes left out");
        break;
      }
      if (depth > 0) {
        out.append("\ncaused by ");
      }
      out.append(c.getClass().getName());
      if (c instanceof FcdsException f) {
        out.append(' ').append(f.codeText());
      }
      StackTraceElement[] frames = c.getStackTrace();
      for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
        out.append("\n  at ").append(frames[i]);
      }
      if (frames.length > FRAMES) {
        out.append("\n  … ").append(frames.length - FRAMES).append(" more frames");
        ours(frames).ifPresent(f -> out.append(", the first of ours at ").append(f));
      }
      depth++;
    }
    return out.toString();
  }

  /** The first frame of fusion-cds past the frames shown (where our code called the library). */
  private static java.util.Optional<StackTraceElement> ours(StackTraceElement[] frames) {
    for (int i = FRAMES; i < frames.length; i++) {
      if (frames[i].getClassName().startsWith("org.fusioncds.")) {
        return java.util.Optional.of(frames[i]);
      }
    }
    return java.util.Optional.empty();
  }
}
