package org.fusioncds.sandbox;

import org.fusioncds.error.ErrorCode;

/** The frame list of a WADO-RS frames URL (PS3.18 8.3.5.1.3): 1-based numbers, comma-separated. */
final class FrameList {

  private static final int MAX_FRAMES = 10_000;

  private FrameList() {}

  /** The numbers, in the order given; FCDS-8043 (400) for anything else. */
  static int[] parse(String list) {
    String[] parts = list.split(",", -1);
    if (parts.length > MAX_FRAMES) {
      throw new DicomWebError(
          ErrorCode.FRAME_LIST_INVALID, "more than " + MAX_FRAMES + " frames in one request");
    }
    int[] numbers = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      numbers[i] = number(parts[i]);
    }
    return numbers;
  }

  private static int number(String s) {
    if (s.matches("[0-9]{1,9}")) {
      int n = Integer.parseInt(s);
      if (n >= 1) {
        return n;
      }
    }
    throw new DicomWebError(
        ErrorCode.FRAME_LIST_INVALID, "malformed frame number — '" + QidoQuery.printable(s) + "'");
  }
}
