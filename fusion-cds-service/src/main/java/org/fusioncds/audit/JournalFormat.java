package org.fusioncds.audit;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The record format of the audit journal's segment files: {@code magic (4) | length (4) | seq (8) |
 * crc32c (4) | payload (length)}, big-endian, the CRC32C covering length, seq and payload. A record
 * whose magic, length or checksum does not hold is damage: at the end of the last segment a torn
 * write a crash left (never acknowledged), elsewhere a corrupt record. The payload is the
 * AuditEvent as FHIR R4 JSON in UTF-8.
 */
final class JournalFormat {

  static final int MAGIC = 0xFCD5_A0D1;
  static final int HEADER = 20;
  static final int MAX_PAYLOAD = 16 << 20;

  /** A whole record found at {@code offset}, {@code HEADER + length} bytes long. */
  record Found(long seq, int offset, int length) {
    int end() {
      return offset + HEADER + length;
    }
  }

  /** Bytes {@code [from, to)} that hold no valid record. */
  record Damage(int from, int to) {}

  /**
   * What a segment holds: its valid records in file order, damaged regions followed by a valid
   * record, and where a damaged tail (no valid record after it) starts ({@code -1}: none).
   */
  record Scan(List<Found> records, List<Damage> damaged, int tornFrom) {}

  private JournalFormat() {}

  /** The bytes a record of this payload takes. */
  static int size(byte[] payload) {
    return HEADER + payload.length;
  }

  /** Writes one record at the buffer's position. */
  static void put(ByteBuffer out, long seq, byte[] payload) {
    out.putInt(MAGIC).putInt(payload.length).putLong(seq);
    out.putInt(crc(payload.length, seq, ByteBuffer.wrap(payload)));
    out.put(payload);
  }

  /** Reads every record of a segment's bytes, resynchronising after damage on the magic. */
  static Scan scan(ByteBuffer bytes) {
    List<Found> records = new ArrayList<>();
    List<Damage> damaged = new ArrayList<>();
    int pos = 0;
    int n = bytes.limit();
    while (pos < n) {
      Found f = at(bytes, pos);
      if (f != null) {
        records.add(f);
        pos = f.end();
        continue;
      }
      int next = nextValid(bytes, pos + 1);
      if (next < 0) {
        return new Scan(records, damaged, pos);
      }
      damaged.add(new Damage(pos, next));
      pos = next;
    }
    return new Scan(records, damaged, -1);
  }

  /** The valid record starting at {@code pos}, or null. */
  static Found at(ByteBuffer bytes, int pos) {
    int n = bytes.limit();
    if (pos < 0 || n - pos < HEADER || bytes.getInt(pos) != MAGIC) {
      return null;
    }
    int length = bytes.getInt(pos + 4);
    if (length < 0 || length > MAX_PAYLOAD || n - pos - HEADER < length) {
      return null;
    }
    long seq = bytes.getLong(pos + 8);
    ByteBuffer payload = bytes.slice(pos + HEADER, length);
    if (crc(length, seq, payload) != bytes.getInt(pos + 16)) {
      return null;
    }
    return new Found(seq, pos, length);
  }

  /** The payload of a found record. */
  static byte[] payload(ByteBuffer bytes, Found f) {
    byte[] out = new byte[f.length()];
    bytes.get(f.offset() + HEADER, out);
    return out;
  }

  private static int nextValid(ByteBuffer bytes, int from) {
    for (int p = from; p + HEADER <= bytes.limit(); p++) {
      if (bytes.getInt(p) == MAGIC && at(bytes, p) != null) {
        return p;
      }
    }
    return -1;
  }

  private static int crc(int length, long seq, ByteBuffer payload) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(12).putInt(length).putLong(seq).flip());
    crc.update(payload.duplicate());
    return (int) crc.getValue();
  }
}
