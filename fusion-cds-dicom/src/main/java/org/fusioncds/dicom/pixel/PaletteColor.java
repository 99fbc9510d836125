package org.fusioncds.dicom.pixel;

import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.error.ErrorCode;

/**
 * PALETTE COLOR to RGB (PS3.3 C.7.6.3.1.5 and C.7.9): each stored value indexes the Red, Green and
 * Blue Palette Color Lookup Table Data (0028,1201-1203) as their descriptors (0028,1101-1103) say:
 * number of entries (0 means 65536), first stored value mapped (values below map to the first
 * entry, above the last to the last entry), bits per entry (8 or 16). 8-bit data is read as bytes,
 * or, when its length is two bytes per entry, as 16-bit words holding 8-bit values (a common
 * encoder error that DCMTK also accepts). Segmented palettes (0028,1221-1223) are refused with a
 * coded error.
 */
public final class PaletteColor {

  static final int SEGMENTED_RED = 0x00281221;

  private final int[][] tables = new int[3][];
  private final int firstMapped;
  private final int bits;

  private PaletteColor(int[] red, int[] green, int[] blue, int firstMapped, int bits) {
    tables[0] = red;
    tables[1] = green;
    tables[2] = blue;
    this.firstMapped = firstMapped;
    this.bits = bits;
  }

  /** Reads and checks the three tables; a coded error names the first one that is wrong. */
  public static PaletteColor of(Dataset ds) {
    String photometric = ds.getString(Tag.PhotometricInterpretation);
    if (!"PALETTE COLOR".equals(photometric)) {
      throw new DicomException(
          ErrorCode.PALETTE_NOT_APPLICABLE,
          "palette lookup needs PhotometricInterpretation PALETTE COLOR — " + photometric);
    }
    boolean signed = ds.getInt(Tag.PixelRepresentation, 0) == 1;
    int[] descriptors = new int[9];
    String[] names = {"Red", "Green", "Blue"};
    int[] descTags = {
      Tag.RedPaletteColorLookupTableDescriptor,
      Tag.GreenPaletteColorLookupTableDescriptor,
      Tag.BluePaletteColorLookupTableDescriptor
    };
    int[] dataTags = {
      Tag.RedPaletteColorLookupTableData,
      Tag.GreenPaletteColorLookupTableData,
      Tag.BluePaletteColorLookupTableData
    };
    int[][] tables = new int[3][];
    for (int c = 0; c < 3; c++) {
      Element e = ds.get(descTags[c]);
      long[] d = ds.getLongs(descTags[c]);
      if (d.length != 3) {
        throw new DicomException(
            ErrorCode.PALETTE_DESCRIPTOR_INVALID,
            names[c]
                + " Palette Color Lookup Table Descriptor "
                + Tag.toString(descTags[c])
                + " needs 3 values — "
                + d.length);
      }
      int count = (int) (d[0] & 0xFFFF);
      if (count == 0) {
        count = 65536;
      }
      int first = (int) d[1];
      if (e.vr() != VR.SS && signed) {
        first = (short) first;
      } else if (e.vr() == VR.SS && !signed) {
        first &= 0xFFFF;
      }
      int bits = (int) d[2];
      if (bits != 8 && bits != 16) {
        throw new DicomException(
            ErrorCode.PALETTE_DESCRIPTOR_INVALID,
            names[c]
                + " Palette Color Lookup Table Descriptor gives "
                + bits
                + " bits per entry, 8 or 16 allowed — "
                + bits);
      }
      descriptors[3 * c] = count;
      descriptors[3 * c + 1] = first;
      descriptors[3 * c + 2] = bits;
      if (ds.contains(SEGMENTED_RED + c) && !ds.contains(dataTags[c])) {
        throw new DicomException(
            ErrorCode.PALETTE_SEGMENTED,
            "segmented palette tables are not supported — "
                + names[c]
                + " Segmented Palette Color Lookup Table Data "
                + Tag.toString(SEGMENTED_RED + c));
      }
      byte[] data = ds.getBytes(dataTags[c]);
      if (data == null || data.length == 0) {
        throw new DicomException(
            ErrorCode.PALETTE_DATA_MISSING,
            names[c]
                + " Palette Color Lookup Table Data "
                + Tag.toString(dataTags[c])
                + " missing or empty");
      }
      tables[c] = table(data, count, bits, names[c]);
    }
    for (int c = 1; c < 3; c++) {
      if (descriptors[3 * c] != descriptors[0]
          || descriptors[3 * c + 1] != descriptors[1]
          || descriptors[3 * c + 2] != descriptors[2]) {
        throw new DicomException(
            ErrorCode.PALETTE_INCONSISTENT,
            String.format(
                "palette descriptors differ: Red %d\\%d\\%d, %s %d\\%d\\%d",
                descriptors[0],
                descriptors[1],
                descriptors[2],
                names[c],
                descriptors[3 * c],
                descriptors[3 * c + 1],
                descriptors[3 * c + 2]));
      }
    }
    return new PaletteColor(tables[0], tables[1], tables[2], descriptors[1], descriptors[2]);
  }

  private static int[] table(byte[] data, int count, int bits, String name) {
    int[] t = new int[count];
    boolean words = bits == 16 || data.length == 2 * count;
    if (bits == 8 && !words && data.length != count && data.length != count + 1) {
      throw inconsistent(name, data.length, count, bits);
    }
    if (words && data.length != 2 * count) {
      throw inconsistent(name, data.length, count, bits);
    }
    int mask = bits == 8 ? 0xFF : 0xFFFF;
    for (int i = 0; i < count; i++) {
      t[i] = words ? ((data[2 * i] & 0xFF) | (data[2 * i + 1] & 0xFF) << 8) & mask : data[i] & 0xFF;
    }
    return t;
  }

  private static DicomException inconsistent(String name, int length, int count, int bits) {
    return new DicomException(
        ErrorCode.PALETTE_INCONSISTENT,
        String.format(
            "%s Palette Color Lookup Table Data has %d bytes, the descriptor says %d entries of %d"
                + " bits — %d",
            name, length, count, bits, length));
  }

  /** Entries per table. */
  public int size() {
    return tables[0].length;
  }

  /** The stored value mapped to the first entry. */
  public int firstMapped() {
    return firstMapped;
  }

  /** Bits per entry, 8 or 16: the precision of the RGB values. */
  public int bits() {
    return bits;
  }

  /** Entry {@code index} of table {@code component} (0 red, 1 green, 2 blue), for tests. */
  public int entry(int component, int index) {
    return tables[component][index];
  }

  /** The RGB frame (interleaved, values of {@link #bits()} bits) of a PALETTE COLOR frame. */
  public Frame apply(Frame f) {
    if (f.samplesPerPixel() != 1) {
      throw new DicomException(
          ErrorCode.PALETTE_NOT_APPLICABLE,
          "palette lookup needs one sample per pixel — " + f.samplesPerPixel());
    }
    int[] s = f.samples();
    int n = f.rows() * f.columns();
    int last = tables[0].length - 1;
    int[] out = new int[n * 3];
    for (int i = 0, o = 0; i < n; i++, o += 3) {
      int idx = s[i] - firstMapped;
      idx = idx < 0 ? 0 : Math.min(idx, last);
      out[o] = tables[0][idx];
      out[o + 1] = tables[1][idx];
      out[o + 2] = tables[2][idx];
    }
    return new Frame(f.rows(), f.columns(), 3, bits, bits, 0, "RGB", out);
  }
}
