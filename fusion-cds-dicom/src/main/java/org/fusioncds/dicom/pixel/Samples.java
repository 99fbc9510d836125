package org.fusioncds.dicom.pixel;

/** From cell bit patterns to stored values: Bits Stored, High Bit, Pixel Representation. */
final class Samples {

  private Samples() {}

  /**
   * Masks each sample to BitsStored bits (after shifting by HighBit + 1 − BitsStored for native
   * data, where bits above may hold overlays) and sign-extends signed data.
   */
  static void toStoredValues(int[] samples, ImageDescription d, boolean nativeCells) {
    int bits = d.bitsStored();
    if (bits >= 32) {
      return;
    }
    int shift = nativeCells ? d.highBit() + 1 - bits : 0;
    int mask = (1 << bits) - 1;
    int sign = 1 << (bits - 1);
    boolean signed = d.signed();
    for (int i = 0; i < samples.length; i++) {
      int v = (samples[i] >>> shift) & mask;
      samples[i] = signed && (v & sign) != 0 ? v - (1 << bits) : v;
    }
  }
}
