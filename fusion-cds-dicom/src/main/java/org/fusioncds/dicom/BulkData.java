package org.fusioncds.dicom;

import org.fusioncds.error.ErrorCode;

/**
 * A value left where it lies in its source: {@code length} bytes at {@code offset}, read only when
 * asked for. {@code swapUnit} &gt; 1 when the source is big endian and the bytes must be swapped in
 * units of that size to become little endian.
 */
public record BulkData(ByteSource source, long offset, long length, int swapUnit) {

  /** Reads the whole value into memory, in little-endian order; refuses values over 2 GiB. */
  public byte[] bytes() {
    return bytes(0, length);
  }

  /** Reads the whole value into {@code dst} at {@code off}, in little-endian order. */
  public void readInto(byte[] dst, int off) {
    if (off < 0 || off + length > dst.length) {
      throw new DicomException(
          ErrorCode.BULK_RANGE_INVALID,
          "value of " + length + " bytes does not fit at " + off + " in " + dst.length + " bytes");
    }
    if (swapUnit > 1) {
      byte[] swapped = bytes();
      System.arraycopy(swapped, 0, dst, off, swapped.length);
      return;
    }
    source.readFully(offset, dst, off, (int) length);
  }

  /** Reads {@code len} bytes from {@code from} within the value, in little-endian order. */
  public byte[] bytes(long from, long len) {
    if (len > Integer.MAX_VALUE - 16) {
      throw new DicomException(
          ErrorCode.BULK_VALUE_TOO_LARGE,
          "bulk value too large to hold in memory — " + len + " bytes");
    }
    if (from < 0 || from + len > length) {
      throw new DicomException(
          ErrorCode.BULK_RANGE_INVALID,
          "range "
              + from
              + "+"
              + len
              + " lies outside the value of "
              + length
              + " bytes at offset "
              + offset);
    }
    byte[] b = new byte[(int) len];
    source.readFully(offset + from, b, 0, b.length);
    if (swapUnit > 1) {
      ByteOrderSwap.swap(b, swapUnit);
    }
    return b;
  }
}
