package org.fusioncds.security;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An absolute http(s) URL taken apart strictly (RFC 3986 §3), refusing every form that different
 * parsers read differently: userinfo, query, fragment, dot segments, {@code ;} path parameters,
 * empty segments, backslashes, control characters, non-ASCII, and percent-encoded {@code /}, {@code
 * .}, {@code %}, {@code \} or control bytes. A host is a lower-case DNS name (trailing dot
 * dropped), an IPv4 literal in any inet_aton form, or a bracketed IPv6 literal.
 *
 * @param literal the address when the host is an IP literal, else null
 */
record OutboundUrl(
    String scheme, String host, boolean bracketed, int port, String path, InetAddress literal) {

  private static final Pattern SCHEME = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*):(.*)");
  private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)*");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern PERCENT = Pattern.compile("%(..)?");

  /** Why a URL's characters are refused (space, control, non-ASCII, backslash), or null. */
  static String badCharacters(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "has a space, control or non-ASCII character at index " + i;
      }
      if (c == '\\') {
        return "has a backslash at index " + i;
      }
    }
    return null;
  }

  /** The scheme of a URL in lower case, or null when it has none. */
  static String schemeOf(String raw) {
    Matcher m = SCHEME.matcher(raw);
    return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  /**
   * Parses an http(s) URL whose characters and scheme were already checked.
   *
   * @throws IllegalArgumentException with the reason when the URL is malformed
   */
  static OutboundUrl parse(String raw) {
    String scheme = schemeOf(raw);
    String rest = raw.substring(scheme.length() + 1);
    require(rest.startsWith("//"), "is not an absolute URL with an authority");
    require(rest.indexOf('?') < 0, "has a query string");
    require(rest.indexOf('#') < 0, "has a fragment");
    int slash = rest.indexOf('/', 2);
    String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    require(authority.indexOf('@') < 0, "has user information in its authority");
    checkPath(path);
    return withAuthority(scheme, authority, path);
  }

  private static OutboundUrl withAuthority(String scheme, String authority, String path) {
    boolean bracketed = authority.startsWith("[");
    int hostEnd = bracketed ? authority.indexOf(']') + 1 : authority.indexOf(':');
    require(!bracketed || hostEnd > 0, "has an unclosed [ in its host");
    hostEnd = hostEnd < 0 ? authority.length() : hostEnd;
    String host = authority.substring(0, hostEnd).toLowerCase(Locale.ROOT);
    String portText = authority.substring(hostEnd);
    int port = defaultPort(scheme);
    if (!portText.isEmpty()) {
      boolean digits = portText.startsWith(":") && PORT.matcher(portText.substring(1)).matches();
      require(digits, "has a malformed port");
      port = Integer.parseInt(portText.substring(1));
      require(port > 0 && port <= 65535, "has a port outside 1-65535");
    }
    return bracketed ? v6(scheme, host, port, path) : named(scheme, host, port, path);
  }

  private static OutboundUrl v6(String scheme, String host, int port, String path) {
    String content = host.substring(1, host.length() - 1);
    InetAddress address = IpLiterals.ipv6(content);
    require(address != null, "has a bracketed host that is not an IPv6 address");
    return new OutboundUrl(scheme, content, true, port, path, address);
  }

  private static OutboundUrl named(String scheme, String host, int port, String path) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    require(DNS_NAME.matcher(name).matches(), "has a host that is not a DNS name or IP address");
    InetAddress literal = null;
    if (IpLiterals.looksLikeIpv4(name)) {
      literal = IpLiterals.ipv4(name);
      require(literal != null, "has a numeric host that is not a valid IPv4 address");
    }
    return new OutboundUrl(scheme, name, false, port, path, literal);
  }

  private static void checkPath(String path) {
    require(path.indexOf(';') < 0, "has ';' path parameters");
    Matcher m = PERCENT.matcher(path);
    while (m.find()) {
      int b = m.group(1) == null ? -1 : hex(m.group(1));
      require(b >= 0, "has a '%' that is not a percent-encoding");
      require(b > 0x20 && b < 0x7f && "/.%\\".indexOf(b) < 0, "percent-encodes a reserved byte");
    }
    String[] segments = path.split("/", -1);
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      require(!s.equals(".") && !s.equals(".."), "has a dot segment");
      require(!s.isEmpty() || i == segments.length - 1, "has an empty path segment");
    }
  }

  private static int hex(String two) {
    try {
      return Integer.parseInt(two, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  private static void require(boolean ok, String reason) {
    if (!ok) {
      throw new IllegalArgumentException(reason);
    }
  }

  /** The host as written in a URL: {@code [v6]} for IPv6 literals. */
  String hostForm() {
    return bracketed ? "[" + host + "]" : host;
  }

  /** For messages: scheme://host:port/path, always with the port, never a query. */
  String display() {
    return scheme + "://" + hostForm() + ":" + port + path;
  }

  /** The normalised URI: lower-case scheme and host, the port only when not the default. */
  URI toUri() {
    String portPart = port == defaultPort(scheme) ? "" : ":" + port;
    return URI.create(scheme + "://" + hostForm() + portPart + path);
  }

  /** Whether this URL is the base or lies below it, on a path segment boundary. */
  boolean isUnder(OutboundUrl base) {
    if (!scheme.equals(base.scheme) || !host.equals(base.host) || port != base.port) {
      return false;
    }
    String prefix = base.path.endsWith("/") ? base.path : base.path + "/";
    return path.equals(base.path) || (path + "/").equals(prefix) || path.startsWith(prefix);
  }
}
