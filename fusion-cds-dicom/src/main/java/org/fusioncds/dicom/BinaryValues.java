package org.fusioncds.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decoding of little-endian binary values (PS3.5 6.2) into numbers. */
final class BinaryValues {

  private BinaryValues() {}

  static long[] longs(VR vr, byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int size = vr.valueSize() == 0 ? 1 : vr.valueSize();
    long[] out = new long[b.length / size];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          switch (vr) {
            case US, OW -> Short.toUnsignedLong(buf.getShort());
            case SS -> buf.getShort();
            case UL, OL -> Integer.toUnsignedLong(buf.getInt());
            case SL -> buf.getInt();
            case AT -> ((buf.getShort() & 0xFFFFL) << 16) | (buf.getShort() & 0xFFFFL);
            case SV, UV, OV -> buf.getLong();
            case FL, OF -> (long) buf.getFloat();
            case FD, OD -> (long) buf.getDouble();
            default -> buf.get() & 0xFF;
          };
    }
    return out;
  }

  static double[] doubles(VR vr, byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (vr == VR.FL || vr == VR.OF) {
      double[] out = new double[b.length / 4];
      for (int i = 0; i < out.length; i++) {
        out[i] = buf.getFloat();
      }
      return out;
    }
    if (vr == VR.FD || vr == VR.OD) {
      double[] out = new double[b.length / 8];
      for (int i = 0; i < out.length; i++) {
        out[i] = buf.getDouble();
      }
      return out;
    }
    long[] l = longs(vr, b);
    double[] out = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = vr == VR.UV ? unsigned(l[i]) : l[i];
    }
    return out;
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }
}
