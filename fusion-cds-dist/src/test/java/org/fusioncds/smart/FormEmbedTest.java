package org.fusioncds.smart;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.report.form.Xhtml;
import org.junit.jupiter.api.Test;

/**
 * The stored HTML form as the app embeds it: only allowlisted markup survives, the overlay is taken
 * out for the toggle, no DTD or entity is resolved; and the session cookie's attributes.
 */
class FormEmbedTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

  private static byte[] form(String body) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\""
            + " \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n"
            + "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><title>T &amp; R</title>"
            + "<style type=\"text/css\">body{}</style></head><body>"
            + body
            + "</body></html>")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsTheFormsWordsAndDropsScriptsHandlersStylesAndLinks() {
    FormEmbed.Embedded e =
        FormEmbed.of(
            form(
                "<div class=\"banner\" role=\"note\" onclick=\"steal()\"><p>AI &lt;b&gt;</p></div>"
                    + "<script>steal()</script><a href=\"javascript:steal()\">x</a>"
                    + "<table class=\"data\"><thead><tr><th scope=\"col\" style=\"width: 9%\">"
                    + "Input</th></tr></thead></table>"));

    assertEquals(
        "<div class=\"banner\" role=\"note\"><p>AI &lt;b&gt;</p></div>"
            + "<table class=\"data\"><thead><tr><th scope=\"col\">Input</th></tr></thead></table>",
        e.body());
    assertEquals("T & R", e.title());
    assertNull(e.overlayPng());
  }

  @Test
  void replacesTheImageTableByTheAppsKeyImageAndTakesTheOverlay() {
    String png = Base64.getEncoder().encodeToString(PNG);
    FormEmbed.Embedded e =
        FormEmbed.of(
            form(
                "<h2>Key image</h2><table class=\"images\" role=\"presentation\"><tr><td>"
                    + "<img src=\"data:image/png;base64,AAAA\" alt=\"grey\"/></td><td>"
                    + "<img src=\"data:image/png;base64,"
                    + png
                    + "\" alt=\""
                    + Xhtml.OVERLAY_ALT
                    + "\"/></td></tr></table><p>legend</p>"));

    assertEquals("<h2>Key image</h2>" + FormEmbed.KEY_IMAGE_SLOT + "<p>legend</p>", e.body());
    assertArrayEquals(PNG, e.overlayPng());
  }

  @Test
  void resolvesNoEntityItWasNotWrittenWith() {
    byte[] xxe =
        ("<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>&x;</p></body></html>")
            .getBytes(StandardCharsets.UTF_8);

    FormEmbed.Embedded e = FormEmbed.of(xxe);

    assertEquals("<p></p>", e.body(), "the external entity is neither read nor copied");
  }

  @Test
  void refusesAFormThatIsNotXhtml() {
    byte[] broken = "<html><body><p>unclosed</body></html>".getBytes(StandardCharsets.UTF_8);

    AppRefusal refused = assertThrows(AppRefusal.class, () -> FormEmbed.of(broken));
    assertEquals(ErrorCode.SMART_FHIR_READ, refused.errorCode());
  }

  @Test
  void sessionCookieIsHttpOnlySameSiteAndSecureOverHttps() {
    AppSessions sessions = new AppSessions(Duration.ofMinutes(30), 10);
    AppSession s = sessions.start(new LaunchContext("p", "http://f/fhir", "c", "r", null, "e"));

    String plain = sessions.setCookie(s, false);
    String secure = sessions.setCookie(s, true);

    assertTrue(plain.startsWith("fcds_app=" + s.id() + "; Path=/app; Max-Age=1800; HttpOnly"));
    assertTrue(plain.contains("SameSite=Lax"));
    assertFalse(plain.contains("Secure"));
    assertTrue(secure.endsWith("; Secure"));
    assertEquals(s, sessions.find("other=1; fcds_app=" + s.id()));
    assertNull(sessions.find("fcds_app=" + AppSessions.random()));
    assertFalse(s.id().equals(s.csrf()) || s.state().equals(s.codeVerifier()));
    assertEquals(43, s.codeVerifier().length(), "RFC 7636: 43 to 128 characters");
  }

  @Test
  void sessionsAreBounded() {
    AppSessions sessions = new AppSessions(Duration.ofMinutes(30), 3);
    for (int i = 0; i < 50; i++) {
      sessions.start(new LaunchContext("p", "http://f/fhir", "c", "r", null, "e"));
    }
    assertTrue(sessions.size() <= 3, "sessions kept: " + sessions.size());
  }
}
