package org.fusioncds.security;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;

/**
 * The SSRF guard for the URLs a request makes the module call: the CDS Hooks 2.0.1 {@code
 * fhirServer} and the DICOMweb bases (PS3.18) taken from ImagingStudy {@code endpoint}s. A URL is
 * called only when it lies under a configured base (scheme, host, effective port, path prefix on a
 * segment boundary) and is not aimed at this machine or its network's special addresses. The check
 * resolves host names through the injected resolver and never opens a connection; names are
 * resolved only once the URL matched a base, so a caller cannot make us look up names of its
 * choosing.
 *
 * <p>Codes ({@link OutboundUrlRefused}, HTTP 400): 7030 an allowed base is itself unusable, 7031
 * not under any allowed base, 7032 scheme not https (http too in DEV), 7033 IP literal host in
 * PRODUCTION, 7034 loopback, link-local, any-local, multicast or broadcast address (link-local and
 * the others, not loopback, in DEV too), 7035 malformed, 7036 the host does not resolve. Messages
 * name the role and the URL as {@code scheme://host:port/path}, never a query or userinfo.
 *
 * <p>The check cannot stop DNS rebinding between the check and the connection: the resolver of the
 * HTTP client resolves again. Deployments that need that closed pin the resolved address.
 */
public final class OutboundUrlPolicy {

  /** PRODUCTION: https, names only, no local addresses. DEV: also http and loopback bases. */
  public enum Mode {
    PRODUCTION,
    DEV
  }

  private static final Pattern QUERY_OR_FRAGMENT = Pattern.compile("[?#].*", Pattern.DOTALL);
  private static final Pattern USERINFO = Pattern.compile("(//)[^/]*@");
  private static final int MAX_SHOWN = 200;

  private final Mode mode;
  private final List<OutboundUrl> bases;
  private final Function<String, InetAddress[]> resolver;

  /** A policy that resolves names with {@link InetAddress#getAllByName}. */
  public OutboundUrlPolicy(Mode mode, List<String> allowedBases) {
    this(mode, allowedBases, OutboundUrlPolicy::resolve);
  }

  /**
   * @param allowedBases the base URLs that may be called, for example {@code
   *     https://fhir.example.org/fhir}; each must itself pass the mode's rules
   * @param resolver a host name's addresses; an empty array or null when it does not resolve
   * @throws OutboundUrlRefused 7030 when a base is malformed or breaks the mode's rules
   */
  public OutboundUrlPolicy(
      Mode mode, List<String> allowedBases, Function<String, InetAddress[]> resolver) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.bases = allowedBases.stream().map(this::base).toList();
  }

  /** The mode this policy enforces. */
  public Mode mode() {
    return mode;
  }

  /**
   * Checks one URL before anything connects to it.
   *
   * @param url the URL as the request gave it
   * @param role what the URL is for, named in messages, for example {@code fhirServer}
   * @return the URL normalised (lower-case scheme and host, default port dropped)
   * @throws OutboundUrlRefused 7031–7036 when the URL must not be called
   */
  public URI check(String url, String role) {
    OutboundUrl parsed = parse(url, role);
    checkHost(parsed, role);
    if (bases.stream().noneMatch(parsed::isUnder)) {
      throw refused(ErrorCode.URL_NOT_ALLOWED, role + " is not under any allowed base URL", parsed);
    }
    if (parsed.literal() == null) {
      checkResolved(parsed, role);
    }
    return parsed.toUri();
  }

  private OutboundUrl parse(String url, String role) {
    if (url == null || url.isEmpty()) {
      throw new OutboundUrlRefused(
          ErrorCode.URL_INVALID, role + " is missing — an absolute https URL is required");
    }
    String bad = OutboundUrl.badCharacters(url);
    String scheme = bad == null ? OutboundUrl.schemeOf(url) : null;
    if (bad != null || scheme == null) {
      String why = bad != null ? bad : "is not an absolute URL";
      throw new OutboundUrlRefused(ErrorCode.URL_INVALID, role + " " + why + " — " + shown(url));
    }
    if (!scheme.equals("https") && !(scheme.equals("http") && mode == Mode.DEV)) {
      throw new OutboundUrlRefused(
          ErrorCode.URL_SCHEME_REFUSED,
          role + " uses scheme " + scheme + ", " + allowedSchemes() + " — " + shown(url));
    }
    try {
      OutboundUrl parsed = OutboundUrl.parse(url);
      parsed.toUri(); // java.net.URI refuses characters such as | { } < > in the path
      return parsed;
    } catch (IllegalArgumentException e) {
      String why = e.getMessage().startsWith("has") ? e.getMessage() : "is not a valid URI";
      throw new OutboundUrlRefused(ErrorCode.URL_INVALID, role + " " + why + " — " + shown(url));
    }
  }

  private void checkHost(OutboundUrl url, String role) {
    InetAddress literal = url.literal();
    if (literal != null && mode == Mode.PRODUCTION) {
      throw refused(
          ErrorCode.URL_IP_LITERAL, role + " names an IP address, not a host name", url, literal);
    }
    if (literal != null) {
      checkAddress(url, role, literal);
    } else if (mode == Mode.PRODUCTION && isLocalhostName(url.host())) {
      throw refused(ErrorCode.URL_LOCAL_ADDRESS, role + " names this machine (localhost)", url);
    }
  }

  private void checkResolved(OutboundUrl url, String role) {
    InetAddress[] addresses = resolver.apply(url.host());
    if (addresses == null || addresses.length == 0) {
      throw refused(ErrorCode.URL_UNRESOLVED, role + " host does not resolve", url);
    }
    for (InetAddress address : addresses) {
      checkAddress(url, role, address);
    }
  }

  private void checkAddress(OutboundUrl url, String role, InetAddress address) {
    String kind = IpLiterals.specialKind(address);
    if (kind != null && !(kind.equals("loopback") && mode == Mode.DEV)) {
      String how = url.literal() != null ? " is a " : " resolves to a ";
      throw refused(ErrorCode.URL_LOCAL_ADDRESS, role + how + kind + " address", url, address);
    }
  }

  private OutboundUrl base(String base) {
    try {
      OutboundUrl parsed = parse(base, "allowed base");
      checkHost(parsed, "allowed base");
      return parsed;
    } catch (OutboundUrlRefused e) {
      throw new OutboundUrlRefused(
          ErrorCode.ALLOWED_BASE_UNUSABLE, "unusable allowed base URL: " + e.getMessage());
    }
  }

  private String allowedSchemes() {
    return mode == Mode.DEV ? "only http and https are allowed" : "only https is allowed";
  }

  private static boolean isLocalhostName(String host) {
    return host.equals("localhost") || host.endsWith(".localhost");
  }

  private static OutboundUrlRefused refused(ErrorCode code, String what, OutboundUrl url) {
    return new OutboundUrlRefused(code, what + " — " + url.display());
  }

  private static OutboundUrlRefused refused(
      ErrorCode code, String what, OutboundUrl url, InetAddress address) {
    return new OutboundUrlRefused(
        code, what + " — " + url.display() + " (" + address.getHostAddress() + ")");
  }

  /** A refused URL for a message: no query, fragment or userinfo, printable, at most 200 chars. */
  static String shown(String url) {
    String s = QUERY_OR_FRAGMENT.matcher(url).replaceFirst("");
    s = USERINFO.matcher(s).replaceFirst("$1");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < MAX_SHOWN; i++) {
      char c = s.charAt(i);
      out.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }

  private static InetAddress[] resolve(String host) {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return new InetAddress[0];
    }
  }
}
