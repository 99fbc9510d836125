package org.fusioncds.audit;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * The agents and entities our AuditEvents share (IHE BALP 1.1 slices, FHIR R4): the client, the
 * user, fusion-cds itself, the server called; the patient, the transaction, a query, a resource.
 */
final class AuditParts {

  private AuditParts() {}

  /** Outcome from an HTTP status: 0 success (1xx-3xx), 4 minor failure (4xx), 8 otherwise. */
  static AuditEventOutcome outcome(int httpStatus) {
    if (httpStatus >= 100 && httpStatus < 400) {
      return AuditEventOutcome._0;
    }
    return httpStatus >= 400 && httpStatus < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8;
  }

  /** The client agent (when a caller is known) and the user agent (when a user is known). */
  static List<AuditEventAgentComponent> requestors(AuditContext ctx) {
    List<AuditEventAgentComponent> agents = new ArrayList<>();
    if (ctx.caller() != null) {
      agents.add(client(ctx.caller(), ctx.clientAddress()));
    }
    if (ctx.userId() != null) {
      AuditEventAgentComponent user = new AuditEventAgentComponent().setRequestor(true);
      user.getType().addCoding(BalpCodes.provider());
      user.setWho(new Reference(ctx.userId()));
      agents.add(user);
    }
    return agents;
  }

  /** The calling application (BALP OAUTHaccessTokenUse client slice, with the token's jti). */
  static AuditEventAgentComponent client(Caller caller, String clientAddress) {
    AuditEventAgentComponent agent = new AuditEventAgentComponent().setRequestor(true);
    agent.getType().addCoding(BalpCodes.application());
    Identifier who = new Identifier().setSystem(caller.issuer()).setValue(caller.subject());
    agent.setWho(new Reference().setIdentifier(who));
    agent.setAltId(caller.clientId());
    if (caller.tokenId() != null) {
      agent.addPolicy(caller.tokenId());
    }
    ipAddress(agent, clientAddress);
    return agent;
  }

  /** A client whose token was refused: only its network address is known. */
  static AuditEventAgentComponent unauthenticated(String clientAddress) {
    AuditEventAgentComponent agent = new AuditEventAgentComponent().setRequestor(true);
    agent.getType().addCoding(BalpCodes.application());
    agent.setWho(new Reference().setDisplay("unauthenticated client"));
    ipAddress(agent, clientAddress);
    return agent;
  }

  /** fusion-cds itself: Source Role ID when it calls out, Destination Role ID when called. */
  static AuditEventAgentComponent self(boolean outbound) {
    AuditEventAgentComponent agent = new AuditEventAgentComponent().setRequestor(false);
    agent.getType().addCoding(outbound ? BalpCodes.source() : BalpCodes.destination());
    agent.setWho(new Reference().setDisplay(BalpCodes.SELF));
    return agent;
  }

  /** The server fusion-cds called (Destination Role ID), by base URL and host name. */
  static AuditEventAgentComponent server(String serverBase) {
    AuditEventAgentComponent agent = new AuditEventAgentComponent().setRequestor(false);
    agent.getType().addCoding(BalpCodes.destination());
    if (serverBase == null) { // refused before any connection: no server to name
      return agent.setWho(new Reference().setDisplay("none: refused before connecting"));
    }
    agent.setWho(new Reference().setDisplay(serverBase));
    agent
        .getNetwork()
        .setAddress(host(serverBase))
        .setType(AuditEventAgentNetworkType._1); // machine name
    return agent;
  }

  /** The patient entity (BALP PatientRead / PatientQuery / PatientCreate). */
  static AuditEventEntityComponent patient(String patientId) {
    String ref = patientId.startsWith("Patient/") ? patientId : "Patient/" + patientId;
    return new AuditEventEntityComponent()
        .setWhat(new Reference(ref))
        .setType(BalpCodes.entityType("1", "Person"))
        .setRole(BalpCodes.objectRole("1", "Patient"));
  }

  /** The transaction entity (X-Request-Id) and, in a hook call, the hookInstance entity. */
  static List<AuditEventEntityComponent> transaction(String requestId, String hookInstance) {
    List<AuditEventEntityComponent> out = new ArrayList<>();
    if (requestId != null) {
      Identifier id = new Identifier().setValue(requestId);
      id.setType(new CodeableConcept(BalpCodes.xRequestId()));
      out.add(
          new AuditEventEntityComponent()
              .setWhat(new Reference().setIdentifier(id))
              .setType(BalpCodes.xRequestId()));
    }
    if (hookInstance != null) {
      Identifier id = new Identifier().setSystem(BalpCodes.HOOK_INSTANCE_SYSTEM);
      out.add(
          new AuditEventEntityComponent()
              .setWhat(new Reference().setIdentifier(id.setValue(hookInstance)))
              .setType(BalpCodes.entityType("2", "System Object"))
              .setRole(BalpCodes.objectRole("20", "Job")));
    }
    return out;
  }

  /**
   * Query parameters whose values are secrets: the OAuth 2.0 authorization response ({@code code},
   * {@code state}: RFC 6749 §4.1.2), the SMART EHR launch ({@code launch}), tokens. An AuditEvent
   * lives for years and is read by many: these values are replaced, the names kept.
   */
  private static final java.util.Set<String> SECRET_PARAMETERS =
      java.util.Set.of(
          "code",
          "state",
          "launch",
          "session_state",
          "access_token",
          "id_token",
          "refresh_token",
          "token",
          "client_secret");

  /** {@code path} with the value of each secret query parameter replaced by {@code redacted}. */
  static String withoutSecrets(String path) {
    int q = path.indexOf('?');
    if (q < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length()).append(path, 0, q + 1);
    String[] parameters = path.substring(q + 1).split("&", -1);
    for (int i = 0; i < parameters.length; i++) {
      String p = parameters[i];
      int eq = p.indexOf('=');
      String name = eq < 0 ? p : p.substring(0, eq);
      out.append(i == 0 ? "" : "&");
      if (eq >= 0 && SECRET_PARAMETERS.contains(decodedName(name))) {
        out.append(name).append("=redacted");
      } else {
        out.append(p);
      }
    }
    return out.toString();
  }

  private static String decodedName(String raw) {
    try {
      return java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8)
          .toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return raw.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A query entity (BALP Query): the raw request, base64 in {@code query}. */
  static AuditEventEntityComponent query(String rawRequest) {
    return new AuditEventEntityComponent()
        .setType(BalpCodes.entityType("2", "System Object"))
        .setRole(BalpCodes.objectRole("24", "Query"))
        .setQuery(rawRequest.getBytes(StandardCharsets.UTF_8));
  }

  /** A resource read or written (BALP data slice: System Object, Domain Resource). */
  static AuditEventEntityComponent resource(String reference) {
    return new AuditEventEntityComponent()
        .setWhat(new Reference(reference))
        .setType(BalpCodes.entityType("2", "System Object"))
        .setRole(BalpCodes.objectRole("4", "Domain Resource"));
  }

  /** Adds the patient (when known) and the transaction entities of a context. */
  static void addContextEntities(AuditEvent e, AuditContext ctx) {
    if (ctx.patientId() != null) {
      e.addEntity(patient(ctx.patientId()));
    }
    transaction(ctx.requestId(), ctx.hookInstance()).forEach(e::addEntity);
  }

  /** The host of a base URL, or the URL itself when it has none. */
  static String host(String baseUrl) {
    try {
      String host = URI.create(baseUrl).getHost();
      return host == null ? baseUrl : host;
    } catch (IllegalArgumentException e) {
      return baseUrl;
    }
  }

  private static void ipAddress(AuditEventAgentComponent agent, String address) {
    if (address != null) {
      agent.getNetwork().setAddress(address).setType(AuditEventAgentNetworkType._2);
    }
  }
}
