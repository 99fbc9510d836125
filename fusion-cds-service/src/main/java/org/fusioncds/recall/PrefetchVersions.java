package org.fusioncds.recall;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.fusioncds.fhir.FhirGateway;

/**
 * The versions one part of a hook's prefetch names ({@code Type/id/_history/v}, sorted), read off
 * its JSON without building FHIR resources: on the cached path only the versions matter, and HAPI's
 * parse of a prefetched search cost more than the rest of the cached answer. Only a plain shape is
 * read here: a resource of the expected type with an id and a {@code meta.versionId}, or a
 * searchset {@code Bundle} of such entries. Anything else is {@link #UNCLEAR}, and the caller reads
 * the part as the gather does (HAPI's parser, with its own refusals).
 *
 * @param clear whether this reading can be trusted
 * @param references the versions, sorted; null when the part was not prefetched (absent, or a
 *     search whose first page only was sent: the gather then searches the server itself)
 */
record PrefetchVersions(boolean clear, List<String> references) {

  /** A part this reading cannot vouch for. */
  static final PrefetchVersions UNCLEAR = new PrefetchVersions(false, null);

  /** A part not prefetched. */
  static final PrefetchVersions ABSENT = new PrefetchVersions(true, null);

  /** FHIR R4's id: 1 to 64 of {@code A-Z a-z 0-9 - .}. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  /** The prefetch keys the service reads, in the gather's order. */
  static final List<String> KEYS = FhirGateway.PREFETCH_KEYS;

  /** The resource type of each of {@link #KEYS}. */
  static final List<String> TYPES = List.of("Patient", "ImagingStudy", "Observation", "Condition");

  /**
   * Whether the gather keeps a resource of a prefetched search, from its JSON: true, false, or null
   * when the JSON cannot tell (then the part is {@link #UNCLEAR}).
   */
  interface Keep {
    Boolean test(JsonNode resource);
  }

  /** Every resource of the part is kept. */
  static final Keep ALL = r -> Boolean.TRUE;

  /** Each part of a hook's prefetch, in the order of {@link #KEYS}, every resource kept. */
  static List<PrefetchVersions> read(Map<String, JsonNode> prefetch) {
    return read(prefetch, ALL, ALL);
  }

  /**
   * Each part of a hook's prefetch, in the order of {@link #KEYS}: of the studies and the
   * observations, those the gather keeps ({@code studies}, {@code observations}).
   */
  static List<PrefetchVersions> read(
      Map<String, JsonNode> prefetch, Keep studies, Keep observations) {
    List<Keep> keep = List.of(ALL, studies, observations, ALL);
    List<PrefetchVersions> out = new ArrayList<>(KEYS.size());
    out.add(resource(prefetch.get(KEYS.get(0)), TYPES.get(0)));
    for (int i = 1; i < KEYS.size(); i++) {
      out.add(search(prefetch.get(KEYS.get(i)), TYPES.get(i), keep.get(i)));
    }
    return out;
  }

  /**
   * The keys whose data a gather takes from the prefetch instead of the server (its parts as {@link
   * #read} gives them): present, and for a search, with no {@code next} page.
   */
  static Set<String> used(List<PrefetchVersions> parts) {
    Set<String> used = new HashSet<>();
    for (int i = 0; i < KEYS.size(); i++) {
      if (parts.get(i) != ABSENT) {
        used.add(KEYS.get(i));
      }
    }
    return used;
  }

  /** A single prefetched resource of {@code type} (the patient). */
  static PrefetchVersions resource(JsonNode n, String type) {
    if (n == null || n.isNull()) {
      return ABSENT;
    }
    String ref = versioned(n, type);
    return ref == null ? UNCLEAR : new PrefetchVersions(true, List.of(ref));
  }

  /** A prefetched search: the versions of its entries of {@code type} (others are not read). */
  static PrefetchVersions search(JsonNode n, String type) {
    return search(n, type, ALL);
  }

  /** As {@link #search(JsonNode, String)}, of the entries {@code keep} keeps. */
  static PrefetchVersions search(JsonNode n, String type, Keep keep) {
    if (n == null || n.isNull()) {
      return ABSENT;
    }
    if (!n.isObject() || !"Bundle".equals(n.path("resourceType").textValue())) {
      return UNCLEAR;
    }
    JsonNode links = n.path("link");
    if (!links.isMissingNode() && !links.isArray()) {
      return UNCLEAR;
    }
    for (JsonNode link : links) {
      if ("next".equals(link.path("relation").textValue())) {
        return ABSENT;
      }
    }
    JsonNode entries = n.path("entry");
    if (!entries.isMissingNode() && !entries.isArray()) {
      return UNCLEAR;
    }
    List<String> refs = new ArrayList<>(entries.size());
    for (JsonNode e : entries) {
      JsonNode r = e.path("resource");
      if (!e.isObject() || !r.isObject()) {
        return UNCLEAR;
      }
      if (!type.equals(r.path("resourceType").textValue())) {
        continue;
      }
      String ref = versioned(r, type);
      String fullUrl = e.path("fullUrl").asText("");
      if (ref == null
          || !(fullUrl.isEmpty()
              || fullUrl.endsWith("/" + type + "/" + r.path("id").textValue()))) {
        return UNCLEAR; // HAPI takes the id (and a version) from a fullUrl that says otherwise
      }
      Boolean kept = keep.test(r);
      if (kept == null) {
        return UNCLEAR;
      }
      if (kept) {
        refs.add(ref);
      }
    }
    return new PrefetchVersions(true, refs.stream().sorted().toList());
  }

  private static String versioned(JsonNode r, String type) {
    String id = r.path("id").textValue();
    String version = r.path("meta").path("versionId").textValue();
    if (!r.isObject()
        || !type.equals(r.path("resourceType").textValue())
        || id == null
        || !ID.matcher(id).matches()
        || version == null
        || !ID.matcher(version).matches()) {
      return null;
    }
    return type + "/" + id + "/_history/" + version;
  }
}
