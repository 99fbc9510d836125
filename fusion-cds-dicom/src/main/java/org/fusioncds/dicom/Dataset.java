package org.fusioncds.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fusioncds.error.ErrorCode;

/**
 * A DICOM data set (PS3.5 section 7): elements in ascending tag order, with typed accessors. Values
 * of bulk elements may still lie in their source. Mutable while built, then read; not thread-safe
 * for writes.
 */
public final class Dataset {

  private final TreeMap<Integer, Element> elements = new TreeMap<>(Integer::compareUnsigned);
  private Charset charset;

  public Dataset() {
    this(SpecificCharacterSet.DEFAULT);
  }

  public Dataset(Charset charset) {
    this.charset = charset;
  }

  /** The character set of this dataset's text values (from (0008,0005), or inherited). */
  public Charset charset() {
    return charset;
  }

  void charset(Charset charset) {
    this.charset = charset;
  }

  public Dataset put(Element e) {
    elements.put(e.tag(), e);
    return this;
  }

  /** Puts a text value; several values are joined with backslashes. */
  public Dataset putString(int tag, VR vr, String... values) {
    return put(new Element(tag, vr, values.length == 0 ? null : String.join("\\", values)));
  }

  /** Puts US / SS / UL / SL / AT values. */
  public Dataset putInts(int tag, VR vr, int... values) {
    ByteBuffer b =
        ByteBuffer.allocate(values.length * vr.valueSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      switch (vr) {
        case US, SS -> b.putShort((short) v);
        case UL, SL -> b.putInt(v);
        case AT -> b.putShort((short) (v >>> 16)).putShort((short) v);
        default -> throw new IllegalArgumentException("not an integer VR: " + vr);
      }
    }
    return put(new Element(tag, vr, b.array()));
  }

  /** Puts FL / FD values. */
  public Dataset putDoubles(int tag, VR vr, double... values) {
    ByteBuffer b =
        ByteBuffer.allocate(values.length * vr.valueSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (vr == VR.FL) {
        b.putFloat((float) v);
      } else if (vr == VR.FD) {
        b.putDouble(v);
      } else {
        throw new IllegalArgumentException("not a floating point VR: " + vr);
      }
    }
    return put(new Element(tag, vr, b.array()));
  }

  public Dataset putBytes(int tag, VR vr, byte[] value) {
    return put(new Element(tag, vr, value));
  }

  public Dataset putSequence(int tag, List<Dataset> items) {
    return put(new Element(tag, VR.SQ, new ArrayList<>(items)));
  }

  public Element remove(int tag) {
    return elements.remove(tag);
  }

  public Element get(int tag) {
    return elements.get(tag);
  }

  public boolean contains(int tag) {
    return elements.containsKey(tag);
  }

  public Collection<Element> elements() {
    return Collections.unmodifiableCollection(elements.values());
  }

  public int size() {
    return elements.size();
  }

  /** All values of a text element, split at backslashes (single-valued VRs are never split). */
  public List<String> getStrings(int tag) {
    Element e = elements.get(tag);
    if (e == null || !(e.value() instanceof String s)) {
      return List.of();
    }
    if (e.vr().isSingleValuedText()) {
      return List.of(s);
    }
    List<String> out = new ArrayList<>();
    for (String v : s.split("\\\\", -1)) {
      out.add(trim(v, e.vr()));
    }
    return out;
  }

  /** The first value of a text element, or null when absent or empty. */
  public String getString(int tag) {
    List<String> v = getStrings(tag);
    return v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  public Optional<String> findString(int tag) {
    return Optional.ofNullable(getString(tag));
  }

  /** An integer from a binary (US, SS, UL, SL) or IS element; {@code dflt} when absent or empty. */
  public int getInt(int tag, int dflt) {
    long[] v = getLongs(tag);
    return v.length == 0 ? dflt : (int) v[0];
  }

  /** Integers from US / SS / UL / SL / SV / UV / AT or IS elements. */
  public long[] getLongs(int tag) {
    Element e = elements.get(tag);
    if (e == null || e.value() == null) {
      return new long[0];
    }
    if (e.vr() == VR.IS || e.vr() == VR.DS) {
      double[] d = getDoubles(tag);
      long[] out = new long[d.length];
      for (int i = 0; i < d.length; i++) {
        out[i] = Math.round(d[i]);
      }
      return out;
    }
    if (!(e.value() instanceof byte[] b)) {
      return new long[0];
    }
    return BinaryValues.longs(e.vr(), b);
  }

  /** Numbers from DS / IS / FL / FD (and integer VRs); a coded error for text that is no number. */
  public double[] getDoubles(int tag) {
    Element e = elements.get(tag);
    if (e == null || e.value() == null) {
      return new double[0];
    }
    if (e.value() instanceof byte[] b) {
      return BinaryValues.doubles(e.vr(), b);
    }
    List<String> s = getStrings(tag);
    List<Double> out = new ArrayList<>();
    for (String v : s) {
      if (v.isEmpty()) {
        continue;
      }
      try {
        out.add(Double.parseDouble(v));
      } catch (NumberFormatException ex) {
        throw new DicomException(
            ErrorCode.VALUE_NOT_NUMBER,
            "value of " + Tag.toString(tag) + " " + e.vr() + " is not a number — '" + v + "'");
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  public double getDouble(int tag, double dflt) {
    double[] v = getDoubles(tag);
    return v.length == 0 ? dflt : v[0];
  }

  /** The items of a sequence, empty when absent. */
  public List<Dataset> getSequence(int tag) {
    Element e = elements.get(tag);
    return e == null ? List.of() : e.items();
  }

  /** The bytes of a binary or bulk value (read from its source when needed), or null. */
  public byte[] getBytes(int tag) {
    Element e = elements.get(tag);
    if (e == null) {
      return null;
    }
    if (e.value() instanceof byte[] b) {
      return b;
    }
    if (e.value() instanceof BulkData bd) {
      return bd.bytes();
    }
    return null;
  }

  private static String trim(String v, VR vr) {
    int end = v.length();
    while (end > 0 && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\0')) {
      end--;
    }
    int start = 0;
    if (vr != VR.LT && vr != VR.ST && vr != VR.UT) {
      while (start < end && v.charAt(start) == ' ') {
        start++;
      }
    }
    return v.substring(start, end);
  }

  /** Elements as an unmodifiable map, in tag order. */
  public Map<Integer, Element> asMap() {
    return Collections.unmodifiableMap(elements);
  }
}
