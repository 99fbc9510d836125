package org.fusioncds.dicom;

import java.util.List;

/**
 * One data element. The value is, by VR kind: text → {@link String} (the whole value, backslashes
 * kept, trailing padding removed); binary numbers → {@code byte[]} in little-endian order; bulk →
 * {@code byte[]} (small, in memory, little endian) or {@link BulkData} (left in its source) or
 * {@link BulkDataUri}; sequence → {@code List<Dataset>}; encapsulated pixel data → {@link
 * Fragments}. A null value is an element present with zero length.
 */
public record Element(int tag, VR vr, Object value) {

  public Element {
    if (value != null
        && !(value instanceof String
            || value instanceof byte[]
            || value instanceof BulkData
            || value instanceof List
            || value instanceof Fragments
            || value instanceof BulkDataUri)) {
      throw new IllegalArgumentException("unsupported value type " + value.getClass());
    }
  }

  public boolean isEmpty() {
    return value == null
        || (value instanceof String s && s.isEmpty())
        || (value instanceof byte[] b && b.length == 0)
        || (value instanceof List<?> l && l.isEmpty());
  }

  @SuppressWarnings("unchecked")
  public List<Dataset> items() {
    return value instanceof List<?> ? (List<Dataset>) value : List.of();
  }

  @Override
  public String toString() {
    return Tag.toString(tag) + " " + vr;
  }
}
