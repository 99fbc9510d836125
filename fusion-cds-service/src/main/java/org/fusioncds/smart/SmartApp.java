package org.fusioncds.smart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.cdshooks.CdsHooksException;
import org.fusioncds.cdshooks.FeedbackStore;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.Traces;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.ReviewProvenance;
import org.fusioncds.report.form.Xhtml;
import org.fusioncds.security.AnswerHeaders;
import org.fusioncds.security.Caller;
import org.fusioncds.security.OutboundUrlPolicy;
import org.fusioncds.security.RequestHeaders;
import org.fusioncds.security.TokenVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMART app's HTTP side (SMART App Launch 2.0, EHR launch), called from {@code
 * routes/smart-app.camel.yaml}: {@code GET /app/launch} (the EHR's launch → the authorization
 * server), {@code GET /app/callback} (code → tokens, kept in the session), {@code GET /app/report}
 * (the page), {@code POST /app/feedback} (CDS Hooks 2.0.1 feedback, CSRF-checked) and {@code GET
 * /app/static/{file}}. Each refusal is a coded HTML page with its code's status.
 */
public final class SmartApp {

  private static final Logger LOG = LoggerFactory.getLogger(SmartApp.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSP =
      "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self';"
          + " form-action 'self'; base-uri 'none'";
  private static final Map<String, String> STATIC =
      Map.of(
          "app.css", "/org/fusioncds/smart/app.css",
          "app.js", "/org/fusioncds/smart/app.js",
          "report-form.css", Xhtml.CSS);

  private final SmartSettings settings;
  private final Launches launches;
  private final AppSessions sessions;
  private final AuthorizationServer authServer;

  /** Each served model's card and report view, the primary model first. */
  private final Map<String, ModelCard> cards = new java.util.LinkedHashMap<>();

  private final Map<String, ReportView> reports = new java.util.HashMap<>();
  private final FeedbackStore feedback;

  public SmartApp(
      SmartSettings settings,
      TokenVerifier ehrLaunches,
      OutboundUrlPolicy fhirServers,
      FhirGateway gateway,
      java.util.List<ModelCard> served,
      FeedbackStore feedback,
      AuditTrail audit) {
    this.settings = settings;
    this.launches = new Launches(ehrLaunches, fhirServers, settings.launchUrl());
    this.sessions = new AppSessions(settings.sessionMaxAge(), settings.maxSessions());
    this.authServer = new AuthorizationServer(settings);
    for (ModelCard c : served) {
      cards.put(c.id(), c);
      reports.put(c.id(), new ReportView(gateway, c, audit));
    }
    this.feedback = feedback;
  }

  /**
   * The model of the card the app was opened from: the launch's {@code appContext} names it (the
   * primary model for a link issued before cards named it).
   */
  private ModelCard card(LaunchContext launch) {
    String id = launch.model() == null ? cards.keySet().iterator().next() : launch.model();
    ModelCard c = cards.get(id);
    if (c == null) {
      throw new AppRefusal(
          ErrorCode.SMART_LAUNCH_REFUSED, "the card's model is not served here — " + id);
    }
    return c;
  }

  /** {@code GET /app/launch?iss=…&launch=…}: a new session, then the authorization request. */
  public void launch(Exchange x) {
    answer(
        x,
        () -> {
          Map<String, String> q = query(x);
          LaunchContext launch = launches.read(q.get("iss"), q.get("launch"));
          card(launch); // a card of a model this module does not serve: refused before sign-in
          AppSession s = sessions.start(launch);
          String to = authServer.authorizationUrl(s, q.get("iss"), q.get("launch")).toString();
          AnswerHeaders.setOwn(x, "Set-Cookie", sessions.setCookie(s, settings.secure()));
          redirect(x, to);
        });
  }

  /** {@code GET /app/callback?code=…&state=…}: the code exchanged with the session's verifier. */
  public void callback(Exchange x) {
    answer(
        x,
        () -> {
          Map<String, String> q = query(x);
          AppSession s = sessions.find(RequestHeaders.single(x, "Cookie"));
          if (s == null || s.state() == null || !equal(s.state(), q.get("state"))) {
            throw new AppRefusal(
                ErrorCode.SMART_STATE_UNKNOWN,
                s == null
                    ? "no live session for this answer"
                    : "the state is not this session's authorization");
          }
          if (q.get("error") != null || q.get("code") == null) {
            throw new AppRefusal(
                ErrorCode.SMART_AUTHORIZATION_DENIED,
                "the authorization server answered " + q.getOrDefault("error", "no code"));
          }
          AuthorizationServer.Tokens t = authServer.exchange(s, q.get("code"));
          if (t.patient() != null && !t.patient().equals(s.launch().patientId())) {
            throw new AppRefusal(
                ErrorCode.SMART_PATIENT_MISMATCH,
                "the token's patient is not the launch context's");
          }
          sessions.replace(s.authorized(t.accessToken(), t.expires(), t.subject(), t.fhirUser()));
          redirect(x, "/app/report");
        });
  }

  /** {@code GET /app/report}: the report read with the user's token. */
  public void report(Exchange x) {
    answer(
        x,
        () -> {
          AppSession s = authorized(x);
          String patient = query(x).get("patient");
          if (patient != null && !patient.equals(s.launch().patientId())) {
            throw new AppRefusal(
                ErrorCode.SMART_PATIENT_MISMATCH,
                "this session's launch is for another patient: open the app from that chart");
          }
          ModelCard card = card(s.launch());
          ReportView.Read r = reports.get(card.id()).read(s, audited(x, s));
          if (r.htmlForm() == null) {
            throw new AppRefusal(ErrorCode.SMART_FHIR_READ, "the report has no HTML form");
          }
          FormEmbed.Embedded form = FormEmbed.of(r.htmlForm());
          String notice =
              "1".equals(query(x).get("sent")) ? "Thank you: your feedback is stored." : null;
          html(
              x,
              200,
              AppPage.report(
                  s, r, form, card.overrideReasons(), settings.modelCardUrl(card.id()), notice));
        });
  }

  /** {@code POST /app/feedback}: one CDS Hooks 2.0.1 feedback entry for the launch's card. */
  public void feedback(Exchange x) {
    answer(
        x,
        () -> {
          AppSession s = authorized(x);
          Map<String, String> form = form(x);
          if (!equal(s.csrf(), form.get("csrf"))) {
            throw new AppRefusal(
                ErrorCode.SMART_CSRF_WRONG,
                form.get("csrf") == null ? "no CSRF token" : "a CSRF token of another session");
          }
          feedback.record(entry(s, form), reviewer(s), audited(x, s));
          redirect(x, "/app/report?sent=1");
        });
  }

  /** {@code GET /app/static/{file}}: the app's stylesheets and script, from the jar. */
  public void resource(Exchange x) {
    answer(
        x,
        () -> {
          String name = x.getMessage().getHeader("file", String.class);
          String path = name == null ? null : STATIC.get(name);
          byte[] bytes = path == null ? null : read(path);
          if (bytes == null) {
            x.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            x.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            x.getMessage().setBody("not found");
            return;
          }
          x.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
          x.getMessage()
              .setHeader(
                  Exchange.CONTENT_TYPE,
                  name.endsWith(".js")
                      ? "text/javascript; charset=utf-8"
                      : "text/css; charset=utf-8");
          x.getMessage().setHeader("Cache-Control", "max-age=300");
          AnswerHeaders.setOwn(x, "X-Content-Type-Options", "nosniff");
          x.getMessage().setBody(bytes);
        });
  }

  /** Live sessions (for tests and the operator). */
  public long sessions() {
    return sessions.size();
  }

  private ObjectNode entry(AppSession s, Map<String, String> form) {
    String outcome = form.get("outcome");
    String comment = form.getOrDefault("comment", "");
    if (!"agree".equals(outcome) && !"disagree".equals(outcome)) {
      throw new AppRefusal(ErrorCode.SMART_FEEDBACK_INVALID, "choose agree or disagree");
    }
    if (comment.length() > 500) {
      throw new AppRefusal(
          ErrorCode.SMART_FEEDBACK_INVALID,
          "the comment has " + comment.length() + " characters, at most 500 are kept");
    }
    ObjectNode item = JSON.createObjectNode();
    item.put("card", s.launch().cardUuid());
    item.put("outcome", "agree".equals(outcome) ? "accepted" : "overridden");
    item.put("outcomeTimestamp", Instant.now().toString());
    if ("disagree".equals(outcome)) {
      ModelCard.Coding reason =
          card(s.launch()).overrideReasons().stream()
              .filter(c -> c.code().equals(form.get("reason")))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AppRefusal(
                          ErrorCode.SMART_FEEDBACK_INVALID,
                          "choose one of the card's reasons when you disagree"));
      ObjectNode o = item.putObject("overrideReason");
      ObjectNode r = o.putObject("reason");
      r.put("system", reason.system());
      r.put("code", reason.code());
      r.put("display", reason.display());
      if (!comment.isBlank()) {
        o.put("userComment", comment);
      }
    } else {
      item.putArray("acceptedSuggestions");
    }
    ObjectNode root = JSON.createObjectNode();
    root.putArray("feedback").add(item);
    return root;
  }

  /**
   * The signed-in clinician, as the review Provenance names them: the ID token's {@code fhirUser}
   * when the authorization server gives one, else its {@code sub} at the issuer.
   */
  private ReviewProvenance.Reviewer reviewer(AppSession s) {
    if (s.fhirUser() != null && !s.fhirUser().isBlank()) {
      return ReviewProvenance.Reviewer.of(s.fhirUser());
    }
    return new ReviewProvenance.Reviewer(null, settings.authIssuer(), s.user());
  }

  /**
   * The audit context of a signed-in request: the call's (request id, address), the user as the
   * authenticated caller (the ID token's issuer and subject, our client id; BALP's user agent) and
   * as the user ({@code fhirUser}, when given), the launch's patient.
   */
  private AuditContext audited(Exchange x, AppSession s) {
    AuditContext call = CallAuditPolicy.context(x);
    if (call == null) {
      return null;
    }
    Caller user =
        new Caller(
            settings.authIssuer(),
            s.user(),
            settings.clientId(),
            null,
            null,
            s.tokenExpires(),
            java.util.Set.of());
    return call.withCaller(user).withHook(null, s.launch().patientId(), s.fhirUser());
  }

  private AppSession authorized(Exchange x) {
    AppSession s = sessions.find(RequestHeaders.single(x, "Cookie"));
    if (s == null || !s.isAuthorized()) {
      throw new AppRefusal(
          ErrorCode.SMART_SESSION_MISSING, "no signed-in session: open the app from the EHR");
    }
    return s;
  }

  private interface Step {
    void run() throws IOException;
  }

  /** Runs a step; any refusal or failure becomes the coded error page. */
  private static void answer(Exchange x, Step step) {
    AnswerHeaders.setOwn(x, "Content-Security-Policy", CSP);
    AnswerHeaders.setOwn(x, "Referrer-Policy", "no-referrer");
    x.getMessage().setHeader("Cache-Control", "no-store");
    try {
      step.run();
    } catch (CdsHooksException e) {
      String what = e.issues().isEmpty() ? e.codeText() : e.issues().get(0).text();
      error(x, new AppRefusal(ErrorCode.SMART_FEEDBACK_INVALID, what), what);
    } catch (AppRefusal e) {
      error(x, e, detail(e));
    } catch (FcdsException e) {
      LOG.warn("{} in the SMART app: {}", e.codeText(), Traces.withoutMessages(e));
      error(x, new AppRefusal(ErrorCode.SMART_FAILED, e.codeText()), e.codeText());
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "{} in the SMART app: {}", ErrorCode.SMART_FAILED.codeText(), Traces.withoutMessages(e));
      error(x, new AppRefusal(ErrorCode.SMART_FAILED, "failed"), "an unexpected error");
    }
  }

  private static String detail(FcdsException e) {
    String m = e.getMessage();
    int dash = m == null ? -1 : m.indexOf(": ");
    return dash < 0 ? String.valueOf(m) : m.substring(dash + 2);
  }

  private static void error(Exchange x, AppRefusal e, String detail) {
    AnswerHeaders.setOwn(x, "X-Fcds-Code", e.codeText());
    html(x, e.httpStatus(), AppPage.error(e, detail));
  }

  private static void html(Exchange x, int status, String body) {
    x.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    x.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
    x.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void redirect(Exchange x, String to) {
    x.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 303);
    AnswerHeaders.setOwn(x, "Location", to);
    x.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
    x.getMessage().setBody("");
  }

  private static Map<String, String> query(Exchange x) {
    return parse(x.getMessage().getHeader(Exchange.HTTP_QUERY, String.class));
  }

  /**
   * The posted form's fields (first value of each): Vert.x has parsed an {@code
   * application/x-www-form-urlencoded} body into the request's form attributes (platform-http then
   * makes the body a map); only those, never the query string or headers.
   */
  private static Map<String, String> form(Exchange x) {
    Map<String, String> out = new HashMap<>();
    if (x.getMessage() instanceof org.apache.camel.component.platform.http.vertx.HttpMessage http
        && http.getRequest() != null) {
      var attributes = http.getRequest().formAttributes();
      attributes.names().forEach(n -> out.put(n, attributes.get(n)));
      return out;
    }
    Object body = x.getMessage().getBody();
    return body instanceof String text ? parse(text) : out;
  }

  /** {@code application/x-www-form-urlencoded}: the first value of each name. */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new HashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  /** Constant-time comparison of two secrets (null never equals). */
  private static boolean equal(String expected, String given) {
    if (expected == null || given == null) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] read(String path) throws IOException {
    try (InputStream in = SmartApp.class.getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  static List<String> staticFiles() {
    return List.copyOf(STATIC.keySet());
  }
}
