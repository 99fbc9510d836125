package org.fusioncds.dicom;

/** In-place byte swapping of 2-, 4- and 8-byte units (big endian to little endian and back). */
final class ByteOrderSwap {

  private ByteOrderSwap() {}

  static void swap(byte[] b, int unit) {
    int n = b.length - b.length % unit;
    for (int i = 0; i < n; i += unit) {
      for (int lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
        byte t = b[lo];
        b[lo] = b[hi];
        b[hi] = t;
      }
    }
  }
}
