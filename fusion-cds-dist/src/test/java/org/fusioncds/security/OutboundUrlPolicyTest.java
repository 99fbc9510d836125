package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.security.OutboundUrlPolicy.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {

  private final Map<String, InetAddress[]> dns = new HashMap<>();
  private final List<String> lookedUp = new ArrayList<>();

  private final OutboundUrlPolicy production =
      policy(
          Mode.PRODUCTION,
          "https://fhir.example.org/fhir",
          "https://pacs.example.org:8443/dicom-web/",
          "https://rebound.example.org/fhir",
          "https://metadata.example.org/fhir",
          "https://mixed.example.org/fhir",
          "https://mapped.example.org/fhir",
          "https://sixtofour.example.org/fhir",
          "https://gone.example.org/fhir");

  private final OutboundUrlPolicy dev =
      policy(
          Mode.DEV,
          "http://127.0.0.1:8080/fhir",
          "http://[::1]:8080/fhir",
          "http://10.0.0.5/fhir",
          "http://[fc00::5]/fhir",
          "http://localhost:8042/dicom-web",
          "http://metadata.example.org/fhir",
          "https://fhir.example.org/fhir");

  OutboundUrlPolicyTest() throws UnknownHostException {
    dns.put("fhir.example.org", new InetAddress[] {v4("fhir.example.org", 10, 1, 2, 3)});
    dns.put("pacs.example.org", new InetAddress[] {v4("pacs.example.org", 192, 168, 1, 5)});
    dns.put("rebound.example.org", new InetAddress[] {v4("rebound.example.org", 127, 0, 0, 1)});
    dns.put("metadata.example.org", new InetAddress[] {v4("m", 169, 254, 169, 254)});
    dns.put(
        "mixed.example.org",
        new InetAddress[] {v4("mixed", 10, 0, 0, 1), InetAddress.getByName("[::1]")});
    dns.put("mapped.example.org", new InetAddress[] {v6("mapped", "::ffff:7f00:1")});
    dns.put("sixtofour.example.org", new InetAddress[] {v6("6to4", "2002:a9fe:a9fe::1")});
    dns.put("localhost", new InetAddress[] {v4("localhost", 127, 0, 0, 1)});
  }

  @Test
  void acceptsUrlUnderAllowedBaseAndNormalisesIt() {
    URI uri = production.check("HTTPS://FHIR.Example.org:443/fhir/Patient/123", "fhirServer");

    assertEquals(URI.create("https://fhir.example.org/fhir/Patient/123"), uri);
    assertEquals(List.of("fhir.example.org"), lookedUp);
  }

  @Test
  void acceptsTheBaseItselfWithOrWithoutTrailingSlash() {
    assertEquals("/fhir", production.check("https://fhir.example.org/fhir", "r").getPath());
    assertEquals("/fhir/", production.check("https://fhir.example.org/fhir/", "r").getPath());
    assertEquals(
        URI.create("https://pacs.example.org:8443/dicom-web"),
        production.check("https://pacs.example.org:8443/dicom-web", "dicomWeb"));
  }

  @Test
  void refusesPathThatOnlySharesACharacterPrefixWithTheBase() {
    assertCode(7031, production, "https://fhir.example.org/fhirx");
    assertCode(7031, production, "https://fhir.example.org/fhir-admin/Patient");
    assertCode(7031, production, "https://fhir.example.org/");
    assertCode(7031, production, "https://fhir.example.org");
  }

  @Test
  void refusesOtherHostOrPortAndSaysWhichUrl() {
    OutboundUrlRefused e =
        assertThrows(
            OutboundUrlRefused.class,
            () -> production.check("https://evil.example.net/fhir", "fhirServer"));

    assertEquals(
        "FCDS-7031: fhirServer is not under any allowed base URL"
            + " — https://evil.example.net:443/fhir",
        e.getMessage());
    assertEquals(400, e.httpStatus());
    assertCode(7031, production, "https://fhir.example.org:8443/fhir");
    assertCode(7031, production, "https://pacs.example.org/dicom-web");
    assertCode(7031, production, "https://fhir.example.org.evil.net/fhir");
  }

  @Test
  void neverResolvesTheNameOfAnUnlistedHost() {
    assertCode(7031, production, "https://attacker-chosen.invalid/fhir");

    assertTrue(lookedUp.isEmpty(), "looked up " + lookedUp);
  }

  @Test
  void refusesPlainHttpInProductionOnly() {
    assertCode(7032, production, "http://fhir.example.org/fhir");

    assertEquals(
        URI.create("http://127.0.0.1:8080/fhir/Patient/1"),
        dev.check("http://127.0.0.1:8080/fhir/Patient/1", "fhirServer"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "file:///etc/passwd",
        "FILE:/etc/passwd",
        "ftp://fhir.example.org/fhir",
        "jar:https://fhir.example.org/fhir!/x",
        "gopher://fhir.example.org:70/_",
        "dict://fhir.example.org:11211/stat",
        "data:text/plain,hello",
        "ws://fhir.example.org/fhir"
      })
  void refusesNonHttpSchemesInEveryMode(String url) {
    assertCode(7032, production, url);
    assertCode(7032, dev, url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://10.0.0.1/fhir", // private 10/8
        "https://192.168.1.5/fhir", // private 192.168/16
        "https://8.8.8.8/fhir", // public: still a literal
        "https://127.0.0.1/fhir",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/fhir",
        "https://[fe80::1]/fhir",
        "https://[::ffff:127.0.0.1]/fhir",
        "https://[fc00::1]/fhir", // unique local fc00::/7
        "https://[fd12:3456::1]/fhir",
        "https://2130706433/fhir", // 127.0.0.1 in decimal
        "https://0x7f.1/fhir",
        "https://0x7f000001/fhir",
        "https://017700000001/fhir", // octal
        "https://127.1/fhir",
        "https://127.0.0.1./fhir",
        "https://2852039166/latest/meta-data" // 169.254.169.254 in decimal
      })
  void refusesIpLiteralHostsInProduction(String url) {
    assertCode(7033, production, url);
    assertTrue(lookedUp.isEmpty());
  }

  @Test
  void namesTheAddressAnOddLiteralStandsFor() {
    OutboundUrlRefused e =
        assertThrows(
            OutboundUrlRefused.class, () -> production.check("https://0x7f.1/fhir", "fhirServer"));

    assertEquals(
        "FCDS-7033: fhirServer names an IP address, not a host name"
            + " — https://0x7f.1:443/fhir (127.0.0.1)",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/latest/meta-data",
        "http://2852039166/latest/meta-data",
        "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data",
        "http://[fe80::1]/fhir",
        "http://[::ffff:169.254.169.254]/fhir",
        "http://[64:ff9b::a9fe:a9fe]/fhir", // NAT64 of 169.254.169.254
        "http://[fd00:ec2::254]/latest/meta-data",
        "http://0.0.0.0:8080/fhir",
        "http://0/fhir",
        "http://[::]:8080/fhir",
        "http://224.0.0.1/fhir",
        "http://[ff02::1]/fhir",
        "http://255.255.255.255/fhir"
      })
  void refusesLinkLocalAnyLocalAndMulticastLiteralsEvenInDev(String url) {
    assertCode(7034, dev, url);
  }

  @Test
  void allowsLoopbackAndPrivateLiteralsInDevOnlyWhenAllowlisted() {
    assertEquals(
        URI.create("http://[::1]:8080/fhir/Patient/1"),
        dev.check("http://[::1]:8080/fhir/Patient/1", "r"));
    assertEquals("10.0.0.5", dev.check("http://10.0.0.5/fhir", "r").getHost());
    assertEquals("[fc00::5]", dev.check("http://[fc00::5]/fhir", "r").getHost());

    assertCode(7031, dev, "http://127.0.0.1:9999/fhir");
    assertCode(7031, dev, "http://2130706433:8080/fhir"); // same address, other spelling
    assertCode(7031, dev, "http://192.168.1.1/fhir");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://localhost/fhir",
        "https://LOCALHOST./fhir",
        "https://api.localhost/fhir",
        "https://fhir.example.org.localhost/fhir"
      })
  void refusesLocalhostNamesInProductionWithoutResolvingThem(String url) {
    assertCode(7034, production, url);
    assertTrue(lookedUp.isEmpty());
  }

  @Test
  void allowsAnAllowlistedLocalhostBaseInDev() {
    URI uri = dev.check("http://localhost:8042/dicom-web/studies", "dicomWeb");

    assertEquals(URI.create("http://localhost:8042/dicom-web/studies"), uri);
  }

  @Test
  void refusesAllowlistedNameThatResolvesToALocalAddress() {
    OutboundUrlRefused e =
        assertThrows(
            OutboundUrlRefused.class,
            () -> production.check("https://rebound.example.org/fhir", "fhirServer"));

    assertEquals(
        "FCDS-7034: fhirServer resolves to a loopback address"
            + " — https://rebound.example.org:443/fhir (127.0.0.1)",
        e.getMessage());
    assertCode(7034, production, "https://metadata.example.org/fhir");
    assertCode(7034, production, "https://mixed.example.org/fhir"); // one of two is ::1
    assertCode(7034, production, "https://mapped.example.org/fhir"); // ::ffff:127.0.0.1
    assertCode(7034, production, "https://sixtofour.example.org/fhir"); // 6to4 of 169.254/16
  }

  @Test
  void refusesNameResolvingToLinkLocalEvenInDev() {
    assertCode(7034, dev, "http://metadata.example.org/fhir");
  }

  @Test
  void refusesAllowlistedNameThatDoesNotResolve() {
    assertCode(7036, production, "https://gone.example.org/fhir");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fhir.example.org/fhir",
        "//fhir.example.org/fhir",
        "https:fhir.example.org/fhir",
        "https:/fhir.example.org/fhir",
        "https://fhir.example.org/fhir/../admin",
        "https://fhir.example.org/fhir/./Patient",
        "https://fhir.example.org/fhir/..",
        "https://fhir.example.org/fhir/%2e%2e/admin",
        "https://fhir.example.org/fhir/%2E./admin",
        "https://fhir.example.org/fhir%2f..%2fadmin",
        "https://fhir.example.org/fhir/%252e%252e/admin",
        "https://fhir.example.org/fhir/%5c..%5cadmin",
        "https://fhir.example.org/fhir/%00",
        "https://fhir.example.org/fhir/%zz",
        "https://fhir.example.org/fhir/..;/admin",
        "https://fhir.example.org/fhir//admin",
        "https://fhir.example.org\\@evil.example.net/fhir",
        "https://fhir.example.org/fhir\\..\\admin",
        "https://fhir.example.org/fhir\r\nHost: evil",
        "https://fhir.example.org/fhir\t",
        "https://fhir.example.org/fh ir",
        "https://fhir.exämple.org/fhir",
        "https://fhir.example.org:99999/fhir",
        "https://fhir.example.org:/fhir",
        "https://fhir.example.org:0/fhir",
        "https://fhir.example.org:44x/fhir",
        "https://fhir..example.org/fhir",
        "https://.fhir.example.org/fhir",
        "https://fhir_1.example.org/fhir",
        "https:///fhir",
        "https://[::1/fhir",
        "https://[fe80::1%25eth0]/fhir",
        "https://[localhost]/fhir",
        "https://1.2.3.4.5/fhir",
        "https://256.0.0.1/fhir",
        "https://08.0.0.1/fhir",
        "https://fhir.example.org/fhir/{x}"
      })
  void refusesMalformedUrls(String url) {
    assertCode(7035, production, url);
  }

  @Test
  void refusesUserinfoQueryAndFragmentWithoutEchoingThem() {
    OutboundUrlRefused userinfo =
        assertCode(7035, production, "https://admin:s3cret@fhir.example.org/fhir");
    OutboundUrlRefused query =
        assertCode(7035, production, "https://fhir.example.org/fhir?patient=MRN123");
    OutboundUrlRefused fragment = assertCode(7035, production, "https://fhir.example.org/fhir#x");

    assertFalse(userinfo.getMessage().contains("s3cret"), userinfo.getMessage());
    assertTrue(userinfo.getMessage().endsWith("https://fhir.example.org/fhir"));
    assertFalse(query.getMessage().contains("MRN123"), query.getMessage());
    assertTrue(fragment.getMessage().contains("has a fragment"), fragment.getMessage());
  }

  @Test
  void refusesMissingUrl() {
    assertCode(7035, production, null);
    assertCode(7035, production, "");
  }

  @Test
  void refusesUnusableAllowedBases() {
    assertThrows(OutboundUrlRefused.class, () -> policy(Mode.PRODUCTION, "http://f.example/x"));
    assertEquals(7030, baseCode(Mode.PRODUCTION, "http://fhir.example.org/fhir"));
    assertEquals(7030, baseCode(Mode.PRODUCTION, "https://127.0.0.1/fhir"));
    assertEquals(7030, baseCode(Mode.PRODUCTION, "https://localhost/fhir"));
    assertEquals(7030, baseCode(Mode.DEV, "http://169.254.169.254/"));
    assertEquals(7030, baseCode(Mode.DEV, "http://fhir.example.org/fhir?x=1"));
  }

  @Test
  void checkingALoopbackUrlOpensNoConnection() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String base = "http://127.0.0.1:" + listener.getLocalPort() + "/fhir";
      OutboundUrlPolicy policy = policy(Mode.DEV, base);

      policy.check(base + "/Patient/1", "fhirServer");

      listener.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, listener::accept);
    }
  }

  private OutboundUrlPolicy policy(Mode mode, String... bases) {
    return new OutboundUrlPolicy(
        mode,
        List.of(bases),
        name -> {
          lookedUp.add(name);
          return dns.get(name);
        });
  }

  private int baseCode(Mode mode, String base) {
    return assertThrows(OutboundUrlRefused.class, () -> policy(mode, base)).code();
  }

  private static OutboundUrlRefused assertCode(int code, OutboundUrlPolicy policy, String url) {
    OutboundUrlRefused e =
        assertThrows(
            OutboundUrlRefused.class, () -> policy.check(url, "fhirServer"), "accepted " + url);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private static InetAddress v4(String name, int a, int b, int c, int d)
      throws UnknownHostException {
    return InetAddress.getByAddress(name, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
  }

  private static InetAddress v6(String name, String literal) throws UnknownHostException {
    byte[] bytes = new byte[16];
    String[] halves = literal.split("::", -1);
    fill(bytes, halves[0].isEmpty() ? new String[0] : halves[0].split(":"), 0);
    String[] tail = halves[1].isEmpty() ? new String[0] : halves[1].split(":");
    fill(bytes, tail, 16 - 2 * tail.length);
    return Inet6Address.getByAddress(name, bytes, -1);
  }

  private static void fill(byte[] bytes, String[] groups, int from) {
    for (int i = 0; i < groups.length; i++) {
      int g = Integer.parseInt(groups[i], 16);
      bytes[from + 2 * i] = (byte) (g >> 8);
      bytes[from + 2 * i + 1] = (byte) g;
    }
  }
}
