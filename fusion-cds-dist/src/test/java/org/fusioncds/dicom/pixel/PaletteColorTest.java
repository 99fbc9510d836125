package org.fusioncds.dicom.pixel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.DicomLimits;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.junit.jupiter.api.Test;

/**
 * PALETTE COLOR to RGB. None of the shared test files is PALETTE COLOR ({@code dcmdump} of each
 * shows MONOCHROME1/2, RGB, YBR_FULL and YBR_FULL_422 only), and the project has no DICOM writer:
 * the palette images are built here as in-memory {@link Dataset}s and decoded by {@link
 * PixelDecoder} like any native image.
 */
class PaletteColorTest {

  private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

  private static Dataset paletteImage(int rows, int columns, int bitsAllocated, int... pixels) {
    Dataset ds =
        new Dataset()
            .putInts(Tag.SamplesPerPixel, VR.US, 1)
            .putString(Tag.PhotometricInterpretation, VR.CS, "PALETTE COLOR")
            .putInts(Tag.Rows, VR.US, rows)
            .putInts(Tag.Columns, VR.US, columns)
            .putInts(Tag.BitsAllocated, VR.US, bitsAllocated)
            .putInts(Tag.BitsStored, VR.US, bitsAllocated)
            .putInts(Tag.HighBit, VR.US, bitsAllocated - 1)
            .putInts(Tag.PixelRepresentation, VR.US, 0);
    ByteBuffer b =
        ByteBuffer.allocate(pixels.length * bitsAllocated / 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int p : pixels) {
      if (bitsAllocated == 8) {
        b.put((byte) p);
      } else {
        b.putShort((short) p);
      }
    }
    return ds.putBytes(Tag.PixelData, bitsAllocated == 8 ? VR.OB : VR.OW, b.array());
  }

  private static void putTable(
      Dataset ds, int component, int count, int first, int bits, int... v) {
    int descriptorCount = count == 65536 ? 0 : count;
    ds.putInts(
        Tag.RedPaletteColorLookupTableDescriptor + component, VR.US, descriptorCount, first, bits);
    ds.putBytes(Tag.RedPaletteColorLookupTableData + component, VR.OW, words(v));
  }

  private static byte[] words(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      b.putShort((short) x);
    }
    return b.array();
  }

  @Test
  void mapsStoredValuesThroughSixteenBitTablesClampingOutsideTheMappedRange() {
    Dataset ds = paletteImage(2, 3, 8, 5, 10, 11, 12, 13, 200);
    putTable(ds, 0, 4, 10, 16, 0, 0x1000, 0x2000, 0xFFFF);
    putTable(ds, 1, 4, 10, 16, 1, 2, 3, 4);
    putTable(ds, 2, 4, 10, 16, 0xFFFF, 0x8000, 0x100, 0);
    Frame px = PixelDecoder.decode(ds, EXPLICIT_LE, 0, DicomLimits.DEFAULT);
    PaletteColor palette = PaletteColor.of(ds);
    assertEquals(4, palette.size());
    assertEquals(10, palette.firstMapped());
    Frame rgb = palette.apply(px);
    assertEquals("RGB", rgb.photometric());
    assertEquals(3, rgb.samplesPerPixel());
    assertEquals(16, rgb.bitsStored());
    assertArrayEquals(
        new int[] {
          0, 1, 0xFFFF, // 5 is below the first mapped value 10: first entry
          0, 1, 0xFFFF, // 10
          0x1000, 2, 0x8000, // 11
          0x2000, 3, 0x100, // 12
          0xFFFF, 4, 0, // 13
          0xFFFF, 4, 0 // 200 is beyond the last entry: last entry
        },
        rgb.samples());
  }

  @Test
  void descriptorCountZeroMeans65536Entries() {
    Dataset ds = paletteImage(1, 3, 16, 0, 1234, 65535);
    int[] r = new int[65536];
    int[] g = new int[65536];
    int[] b = new int[65536];
    for (int i = 0; i < 65536; i++) {
      r[i] = i;
      g[i] = 65535 - i;
      b[i] = i / 2;
    }
    putTable(ds, 0, 65536, 0, 16, r);
    putTable(ds, 1, 65536, 0, 16, g);
    putTable(ds, 2, 65536, 0, 16, b);
    PaletteColor palette = PaletteColor.of(ds);
    assertEquals(65536, palette.size());
    Frame rgb = palette.apply(PixelDecoder.decode(ds, EXPLICIT_LE, 0, DicomLimits.DEFAULT));
    assertArrayEquals(new int[] {0, 65535, 0, 1234, 64301, 617, 65535, 0, 32767}, rgb.samples());
  }

  @Test
  void eightBitTablesAreReadAsBytesOrAsWordsHoldingBytes() {
    Dataset ds = paletteImage(1, 2, 8, 0, 2);
    ds.putInts(Tag.RedPaletteColorLookupTableDescriptor, VR.US, 3, 0, 8);
    ds.putBytes(Tag.RedPaletteColorLookupTableData, VR.OW, new byte[] {10, 20, 30, 0}); // + pad
    ds.putInts(Tag.GreenPaletteColorLookupTableDescriptor, VR.US, 3, 0, 8);
    ds.putBytes(Tag.GreenPaletteColorLookupTableData, VR.OW, words(40, 50, 60)); // words
    ds.putInts(Tag.BluePaletteColorLookupTableDescriptor, VR.US, 3, 0, 8);
    ds.putBytes(Tag.BluePaletteColorLookupTableData, VR.OW, new byte[] {7, 8, (byte) 255, 0});
    PaletteColor palette = PaletteColor.of(ds);
    assertEquals(8, palette.bits());
    Frame rgb = palette.apply(PixelDecoder.decode(ds, EXPLICIT_LE, 0, DicomLimits.DEFAULT));
    assertArrayEquals(new int[] {10, 40, 7, 30, 60, 255}, rgb.samples());
  }

  @Test
  void refusesMissingOrInconsistentTablesWithCodes() {
    assertEquals(
        2150,
        code(
            paletteImage(1, 1, 8, 0)
                .putString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2")));

    Dataset noGreenData = paletteImage(1, 1, 8, 0);
    putTable(noGreenData, 0, 2, 0, 16, 1, 2);
    putTable(noGreenData, 1, 2, 0, 16, 1, 2);
    putTable(noGreenData, 2, 2, 0, 16, 1, 2);
    noGreenData.remove(Tag.GreenPaletteColorLookupTableData);
    assertEquals(2152, code(noGreenData));

    Dataset noDescriptor = paletteImage(1, 1, 8, 0);
    putTable(noDescriptor, 0, 2, 0, 16, 1, 2);
    assertEquals(2151, code(noDescriptor));

    Dataset twelveBits = paletteImage(1, 1, 8, 0);
    for (int c = 0; c < 3; c++) {
      putTable(twelveBits, c, 2, 0, 12, 1, 2);
    }
    assertEquals(2151, code(twelveBits));

    Dataset shortData = paletteImage(1, 1, 8, 0);
    for (int c = 0; c < 3; c++) {
      putTable(shortData, c, 3, 0, 16, 1, 2);
    }
    assertEquals(2153, code(shortData));

    Dataset differ = paletteImage(1, 1, 8, 0);
    putTable(differ, 0, 2, 0, 16, 1, 2);
    putTable(differ, 1, 2, 1, 16, 1, 2);
    putTable(differ, 2, 2, 0, 16, 1, 2);
    assertEquals(2153, code(differ));

    Dataset segmented = paletteImage(1, 1, 8, 0);
    for (int c = 0; c < 3; c++) {
      putTable(segmented, c, 2, 0, 16, 1, 2);
      segmented.remove(Tag.RedPaletteColorLookupTableData + c);
      segmented.putBytes(PaletteColor.SEGMENTED_RED + c, VR.OW, words(0, 2, 0, 1));
    }
    assertEquals(2154, code(segmented));
  }

  private static int code(Dataset ds) {
    return assertThrows(DicomException.class, () -> PaletteColor.of(ds)).code();
  }
}
