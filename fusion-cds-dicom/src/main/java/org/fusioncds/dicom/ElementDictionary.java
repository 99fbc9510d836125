package org.fusioncds.dicom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The public data dictionary of PS3.6 (tag → VR and keyword), loaded once from {@code
 * dictionary.tsv}. Needed to read implicit VR, where the VR is not on the wire.
 */
public final class ElementDictionary {

  private record Entry(VR vr, String keyword) {}

  private static final Map<Integer, Entry> EXACT = new HashMap<>(8192);
  private static final Map<Integer, Entry> GROUP_MASKED = new HashMap<>();
  private static final Map<Integer, Entry> ELEMENT_MASKED = new HashMap<>();
  private static final Map<String, Integer> BY_KEYWORD = new HashMap<>(8192);

  static {
    try (InputStream in = ElementDictionary.class.getResourceAsStream("dictionary.tsv");
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        Entry e = new Entry(VR.valueOf(f[1]), f[2]);
        String t = f[0];
        if (t.substring(2, 4).equals("xx")) {
          GROUP_MASKED.put(Integer.parseUnsignedInt(t.replace('x', '0'), 16), e);
        } else if (t.substring(6).equals("xx")) {
          ELEMENT_MASKED.put(Integer.parseUnsignedInt(t.replace('x', '0'), 16), e);
        } else {
          EXACT.put(Integer.parseUnsignedInt(t, 16), e);
          BY_KEYWORD.putIfAbsent(e.keyword(), Integer.parseUnsignedInt(t, 16));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tags whose VR is US or SS depending on Pixel Representation (PS3.6 "US or SS"). */
  private static final java.util.Set<Integer> US_OR_SS =
      java.util.Set.of(
          0x00189810,
          0x00221452,
          0x00280106,
          0x00280107,
          0x00280108,
          0x00280109,
          0x00280120,
          0x00280121,
          0x00281101,
          0x00281102,
          0x00281103,
          0x00283002,
          0x00409211,
          0x00409216,
          0x00280104,
          0x00280105,
          0x00280110,
          0x00280111,
          0x00281111,
          0x00281112,
          0x00281113);

  private ElementDictionary() {}

  /**
   * The VR for implicit VR reading where the dictionary allows US or SS: SS when the data set's
   * Pixel Representation says signed, as DCMTK resolves it.
   */
  public static VR vrOf(int tag, boolean signedPixels) {
    return signedPixels && US_OR_SS.contains(tag) ? VR.SS : vrOf(tag);
  }

  /**
   * The VR of a tag for implicit VR reading: the dictionary's, LO for private creators, UL for
   * group lengths, UN for anything unknown (private data elements among them).
   */
  public static VR vrOf(int tag) {
    Entry e = lookup(tag);
    if (e != null) {
      return e.vr();
    }
    int element = Tag.element(tag);
    if (element == 0) {
      return VR.UL;
    }
    if (Tag.isPrivate(tag) && element >= 0x10 && element <= 0xFF) {
      return VR.LO;
    }
    return VR.UN;
  }

  /** The PS3.6 keyword, or "" when the tag is not in the public dictionary. */
  public static String keywordOf(int tag) {
    Entry e = lookup(tag);
    return e == null ? "" : e.keyword();
  }

  /** The tag of a PS3.6 keyword (for example {@code PatientID}), or -1 when there is none. */
  public static int tagOf(String keyword) {
    return BY_KEYWORD.getOrDefault(keyword, -1);
  }

  private static Entry lookup(int tag) {
    if (Tag.isPrivate(tag)) {
      return null;
    }
    Entry e = EXACT.get(tag);
    if (e == null) {
      e = GROUP_MASKED.get(tag & 0xFF00FFFF);
    }
    if (e == null) {
      e = ELEMENT_MASKED.get(tag & 0xFFFFFF00);
    }
    return e;
  }
}
