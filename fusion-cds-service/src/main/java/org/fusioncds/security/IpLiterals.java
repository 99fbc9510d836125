package org.fusioncds.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * IP address literals in URL hosts, read the way resolvers and browsers read them (RFC 3986 §3.2.2
 * for {@code [v6]}; the inet_aton forms the WHATWG URL Standard §3.5 keeps for IPv4: 1 to 4 parts,
 * each decimal, {@code 0x} hex or {@code 0} octal, so {@code 2130706433} and {@code 0x7f.1} are
 * both 127.0.0.1), and the address ranges an outbound call must never reach.
 */
final class IpLiterals {

  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");
  private static final Pattern V6_TEXT = Pattern.compile("[0-9a-fA-F:.]+");
  private static final byte[] V6_METADATA = {
    (byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
  };

  private IpLiterals() {}

  /** Whether a (lower-case, unbracketed) host reads as IPv4: its last label is a number. */
  static boolean looksLikeIpv4(String host) {
    String last = host.substring(host.lastIndexOf('.') + 1);
    return NUMERIC_LABEL.matcher(last).matches();
  }

  /** The IPv4 address of an inet_aton form, or null when the form is not a valid address. */
  static InetAddress ipv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long value = 0;
    for (int i = 0; i < parts.length; i++) {
      long part = number(parts[i]);
      boolean last = i == parts.length - 1;
      long limit = last ? 1L << (8 * (4 - i)) : 256;
      if (part < 0 || part >= limit) {
        return null;
      }
      value = last ? (value << (8 * (4 - i))) | part : (value << 8) | part;
    }
    byte[] bytes = {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
    return byAddress(host, bytes);
  }

  /** The address of a bracketed IPv6 literal's content, or null when it is not one. */
  static InetAddress ipv6(String content) {
    if (!content.contains(":") || !V6_TEXT.matcher(content).matches()) {
      return null; // never hand InetAddress text that it could look up by name
    }
    try {
      return InetAddress.getByName("[" + content + "]");
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * The kind of address no outbound call may reach, or null for an ordinary (public or private)
   * one: "loopback", "link-local" (with the cloud metadata addresses), "any-local", "multicast",
   * "broadcast". IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged
   * by that address.
   */
  static String specialKind(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address.isAnyLocalAddress()) {
      return "any-local";
    }
    if (address instanceof Inet6Address) {
      InetAddress embedded = embeddedIpv4(address.getAddress());
      return embedded != null ? specialKind(embedded) : specialV6(address);
    }
    return specialV4(address.getAddress());
  }

  private static String specialV4(byte[] b) {
    int first = b[0] & 0xff;
    if (first == 127) {
      return "loopback";
    }
    if (first == 169 && (b[1] & 0xff) == 254) {
      return "link-local";
    }
    if (first == 0) {
      return "any-local";
    }
    if (first >= 224 && first <= 239) {
      return "multicast";
    }
    return (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff ? "broadcast" : null;
  }

  private static String specialV6(InetAddress address) {
    if (address.isLinkLocalAddress() || isAwsMetadataV6(address.getAddress())) {
      return "link-local";
    }
    return address.isMulticastAddress() ? "multicast" : null;
  }

  /** fd00:ec2::254, the IPv6 address of a cloud instance metadata service. */
  private static boolean isAwsMetadataV6(byte[] b) {
    return Arrays.equals(b, V6_METADATA);
  }

  /** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d or 2002:aabb:ccdd::. */
  private static InetAddress embeddedIpv4(byte[] b) {
    boolean mapped = zeros(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    if (mapped || zeros(b, 0, 12)) {
      return v4(b, 12);
    }
    if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return zeros(b, 4, 12) ? v4(b, 12) : null;
    }
    return b[0] == 0x20 && b[1] == 0x02 ? v4(b, 2) : null;
  }

  private static InetAddress v4(byte[] b, int from) {
    byte[] four = {b[from], b[from + 1], b[from + 2], b[from + 3]};
    return byAddress(null, four);
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static long number(String part) {
    try {
      if (part.startsWith("0x") || part.startsWith("0X")) {
        return part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Long.parseLong(part.substring(1), 8);
      }
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      return -1; // empty, not a number, or longer than any address
    }
  }

  private static InetAddress byAddress(String host, byte[] bytes) {
    try {
      return InetAddress.getByAddress(host, bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of length " + bytes.length, e);
    }
  }
}
