package org.fusioncds.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityDetailComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventSourceComponent;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * An AuditEvent as FHIR R4 JSON, byte for byte what HAPI FHIR's JSON parser writes for it (not
 * pretty-printed, versions kept in references), at a fraction of its cost: the journal encodes one
 * event per hook call on the request's thread, and HAPI's generic encoder (reflection over the
 * element definitions, a pass that looks for resources to contain, an ObjectMapper per value) took
 * 44 % of a cached hook's CPU on that thread (JFR, 50 callers).
 *
 * <p>It writes the elements of AuditEvent R4 in their definition order with Jackson's default
 * generator, as HAPI does, and skips what HAPI skips: an empty element (the model's own {@code
 * isEmpty}, a blank primitive included). What it does not know how to write exactly as HAPI would —
 * an element with an id or extensions, {@code meta}, narrative, contained resources, a reference
 * that holds a resource, a versioned or absolute resource id, an empty item in a list — makes
 * {@link #encode} answer null, and the caller then asks HAPI. {@code AuditEventJsonTest} compares
 * both encoders on every shape {@link AuditEvents} builds and on generated events.
 */
final class AuditEventJson {

  private static final JsonFactory JSON = new JsonFactory();

  /** Thrown inside the writer at the first element it cannot write as HAPI would. */
  private static final class NotPlain extends RuntimeException {
    NotPlain() {
      super(null, null, false, false);
    }
  }

  private static final NotPlain NOT_PLAIN = new NotPlain();

  private AuditEventJson() {}

  /** The event's JSON as HAPI writes it; null when the event has something only HAPI writes. */
  static String encode(AuditEvent e) {
    if (!plainResource(e)) {
      return null;
    }
    StringWriter out = new StringWriter(2048);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("resourceType", "AuditEvent");
      g.writeStringField("id", e.getIdElement().getIdPart());
      coding(g, "type", e.hasType() ? e.getType() : null);
      codings(g, "subtype", e.hasSubtype() ? e.getSubtype() : null);
      primitive(g, "action", e.getActionElement());
      period(g, "period", e.hasPeriod() ? e.getPeriod() : null);
      primitive(g, "recorded", e.getRecordedElement());
      primitive(g, "outcome", e.getOutcomeElement());
      primitive(g, "outcomeDesc", e.getOutcomeDescElement());
      concepts(g, "purposeOfEvent", e.hasPurposeOfEvent() ? e.getPurposeOfEvent() : null);
      if (e.hasAgent()) {
        g.writeArrayFieldStart("agent");
        for (AuditEventAgentComponent a : items(e.getAgent())) {
          agent(g, a);
        }
        g.writeEndArray();
      }
      if (e.hasSource()) {
        source(g, e.getSource());
      }
      if (e.hasEntity()) {
        g.writeArrayFieldStart("entity");
        for (AuditEventEntityComponent x : items(e.getEntity())) {
          entity(g, x);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (NotPlain notPlain) {
      return null;
    } catch (IOException io) {
      throw new UncheckedIOException(io); // a StringWriter does not fail
    }
    return out.toString();
  }

  /** Nothing at the resource level but its plain id and the AuditEvent's own elements. */
  private static boolean plainResource(AuditEvent e) {
    var id = e.getIdElement();
    return id.hasIdPart()
        && !id.hasVersionIdPart()
        && !id.hasBaseUrl()
        && !e.hasMeta()
        && !e.hasImplicitRules()
        && !e.hasLanguage()
        && !e.hasText()
        && !e.hasContained()
        && !e.hasExtension()
        && !e.hasModifierExtension();
  }

  private static void agent(JsonGenerator g, AuditEventAgentComponent a) throws IOException {
    backbone(a, a.hasModifierExtension());
    g.writeStartObject();
    concept(g, "type", a.hasType() ? a.getType() : null);
    concepts(g, "role", a.hasRole() ? a.getRole() : null);
    reference(g, "who", a.hasWho() ? a.getWho() : null);
    primitive(g, "altId", a.getAltIdElement());
    primitive(g, "name", a.getNameElement());
    primitive(g, "requestor", a.getRequestorElement());
    reference(g, "location", a.hasLocation() ? a.getLocation() : null);
    primitives(g, "policy", a.hasPolicy() ? a.getPolicy() : null);
    coding(g, "media", a.hasMedia() ? a.getMedia() : null);
    if (a.hasNetwork()) {
      AuditEventAgentNetworkComponent n = a.getNetwork();
      backbone(n, n.hasModifierExtension());
      g.writeObjectFieldStart("network");
      primitive(g, "address", n.getAddressElement());
      primitive(g, "type", n.getTypeElement());
      g.writeEndObject();
    }
    concepts(g, "purposeOfUse", a.hasPurposeOfUse() ? a.getPurposeOfUse() : null);
    g.writeEndObject();
  }

  private static void source(JsonGenerator g, AuditEventSourceComponent s) throws IOException {
    backbone(s, s.hasModifierExtension());
    g.writeObjectFieldStart("source");
    primitive(g, "site", s.getSiteElement());
    reference(g, "observer", s.hasObserver() ? s.getObserver() : null);
    codings(g, "type", s.hasType() ? s.getType() : null);
    g.writeEndObject();
  }

  private static void entity(JsonGenerator g, AuditEventEntityComponent x) throws IOException {
    backbone(x, x.hasModifierExtension());
    g.writeStartObject();
    reference(g, "what", x.hasWhat() ? x.getWhat() : null);
    coding(g, "type", x.hasType() ? x.getType() : null);
    coding(g, "role", x.hasRole() ? x.getRole() : null);
    coding(g, "lifecycle", x.hasLifecycle() ? x.getLifecycle() : null);
    codings(g, "securityLabel", x.hasSecurityLabel() ? x.getSecurityLabel() : null);
    primitive(g, "name", x.getNameElement());
    primitive(g, "description", x.getDescriptionElement());
    primitive(g, "query", x.getQueryElement());
    if (x.hasDetail()) {
      g.writeArrayFieldStart("detail");
      for (AuditEventEntityDetailComponent d : items(x.getDetail())) {
        backbone(d, d.hasModifierExtension());
        g.writeStartObject();
        primitive(g, "type", d.getTypeElement());
        if (d.hasValue()) {
          Type v = d.getValue();
          if (!(v instanceof PrimitiveType<?> p)) {
            throw NOT_PLAIN;
          }
          // the choice's JSON name: value + the type's name with a capital (valueString)
          String name =
              "value" + Character.toUpperCase(v.fhirType().charAt(0)) + v.fhirType().substring(1);
          primitive(g, name, p);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void concepts(JsonGenerator g, String name, List<CodeableConcept> list)
      throws IOException {
    if (list == null) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (CodeableConcept c : items(list)) {
      conceptValue(g, c);
    }
    g.writeEndArray();
  }

  private static void concept(JsonGenerator g, String name, CodeableConcept c) throws IOException {
    if (c == null) {
      return;
    }
    g.writeFieldName(name);
    conceptValue(g, c);
  }

  private static void conceptValue(JsonGenerator g, CodeableConcept c) throws IOException {
    plain(c);
    g.writeStartObject();
    codings(g, "coding", c.hasCoding() ? c.getCoding() : null);
    primitive(g, "text", c.getTextElement());
    g.writeEndObject();
  }

  private static void codings(JsonGenerator g, String name, List<Coding> list) throws IOException {
    if (list == null) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (Coding c : items(list)) {
      codingValue(g, c);
    }
    g.writeEndArray();
  }

  private static void coding(JsonGenerator g, String name, Coding c) throws IOException {
    if (c == null) {
      return;
    }
    g.writeFieldName(name);
    codingValue(g, c);
  }

  private static void codingValue(JsonGenerator g, Coding c) throws IOException {
    plain(c);
    g.writeStartObject();
    primitive(g, "system", c.getSystemElement());
    primitive(g, "version", c.getVersionElement());
    primitive(g, "code", c.getCodeElement());
    primitive(g, "display", c.getDisplayElement());
    primitive(g, "userSelected", c.getUserSelectedElement());
    g.writeEndObject();
  }

  private static void reference(JsonGenerator g, String name, Reference r) throws IOException {
    if (r == null) {
      return;
    }
    plain(r);
    if (r.getResource() != null) {
      throw NOT_PLAIN; // HAPI would contain it or take its id
    }
    g.writeObjectFieldStart(name);
    if (r.hasReferenceElement()) {
      plain(r.getReferenceElement_());
      // what HAPI writes for a reference without a resource, versions kept, no server base set
      g.writeStringField("reference", r.getReferenceElement().getValue());
    }
    primitive(g, "type", r.getTypeElement());
    if (r.hasIdentifier()) {
      identifier(g, r.getIdentifier());
    }
    primitive(g, "display", r.getDisplayElement());
    g.writeEndObject();
  }

  private static void identifier(JsonGenerator g, Identifier i) throws IOException {
    plain(i);
    g.writeObjectFieldStart("identifier");
    primitive(g, "use", i.getUseElement());
    concept(g, "type", i.hasType() ? i.getType() : null);
    primitive(g, "system", i.getSystemElement());
    primitive(g, "value", i.getValueElement());
    period(g, "period", i.hasPeriod() ? i.getPeriod() : null);
    reference(g, "assigner", i.hasAssigner() ? i.getAssigner() : null);
    g.writeEndObject();
  }

  private static void period(JsonGenerator g, String name, Period p) throws IOException {
    if (p == null) {
      return;
    }
    plain(p);
    g.writeObjectFieldStart(name);
    primitive(g, "start", p.getStartElement());
    primitive(g, "end", p.getEndElement());
    g.writeEndObject();
  }

  private static void primitives(
      JsonGenerator g, String name, List<? extends PrimitiveType<?>> list) throws IOException {
    if (list == null) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (PrimitiveType<?> p : items(list)) {
      plain(p);
      g.writeString(p.getValueAsString());
    }
    g.writeEndArray();
  }

  /** A primitive as HAPI writes it: skipped when empty, a JSON boolean for a boolean. */
  private static void primitive(JsonGenerator g, String name, PrimitiveType<?> p)
      throws IOException {
    if (p == null || p.isEmpty()) { // an id or extension makes it not empty
      return;
    }
    plain(p);
    if (p instanceof BooleanType b) {
      g.writeBooleanField(name, b.booleanValue());
    } else if (p instanceof org.hl7.fhir.r4.model.IntegerType
        || p instanceof org.hl7.fhir.r4.model.DecimalType) {
      throw NOT_PLAIN; // AuditEvent R4 has no number; HAPI's number forms are its own
    } else {
      g.writeStringField(name, p.getValueAsString());
    }
  }

  /** The list's items, none of them empty (HAPI's handling of an empty item is its own). */
  private static <T extends Base> List<T> items(List<T> list) {
    for (T t : list) {
      if (t == null || t.isEmpty()) {
        throw NOT_PLAIN;
      }
    }
    return list;
  }

  private static void backbone(Element e, boolean modifierExtensions) {
    if (modifierExtensions) {
      throw NOT_PLAIN;
    }
    plain(e);
  }

  /** An element with an id or extensions is HAPI's to write. */
  private static void plain(Element e) {
    if (e.hasId() || e.hasExtension()) {
      throw NOT_PLAIN;
    }
  }
}
