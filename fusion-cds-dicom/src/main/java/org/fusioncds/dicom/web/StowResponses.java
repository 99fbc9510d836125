package org.fusioncds.dicom.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/** Checks a STOW-RS Store Instances Response (PS3.18 §10.5.3, Table 10.5.3-1). */
final class StowResponses {

  static final String FAILED_SOP_SEQUENCE = "00081198";
  static final String REFERENCED_SOP_SEQUENCE = "00081199";
  static final String REFERENCED_SOP_INSTANCE_UID = "00081155";
  static final String FAILURE_REASON = "00081197";
  private static final int LISTED = 5;

  private StowResponses() {}

  /**
   * The response, when the server answered a success status, listed no failed instance and at least
   * one stored one; else a 2307 error that lists the failed SOP Instance UIDs and reasons.
   */
  static JsonNode check(JsonNode response, int status, String path, int sent) {
    List<JsonNode> failed = items(response, FAILED_SOP_SEQUENCE);
    int stored = items(response, REFERENCED_SOP_SEQUENCE).size();
    if (status < 300 && failed.isEmpty() && stored > 0) {
      return response;
    }
    List<String> listed = new ArrayList<>();
    for (JsonNode item : failed.subList(0, Math.min(LISTED, failed.size()))) {
      listed.add(first(item, REFERENCED_SOP_INSTANCE_UID) + " (reason " + reason(item) + ")");
    }
    String more = failed.size() > LISTED ? " and " + (failed.size() - LISTED) + " more" : "";
    throw new DicomException(
        ErrorCode.STOW_REFUSED,
        "STOW-RS POST "
            + path
            + " answered HTTP status "
            + status
            + ": stored "
            + stored
            + " of "
            + sent
            + " instances; failed: "
            + (listed.isEmpty() ? "(none listed)" : String.join(", ", listed))
            + more);
  }

  private static List<JsonNode> items(JsonNode response, String tag) {
    List<JsonNode> items = new ArrayList<>();
    if (response != null) {
      response.path(tag).path("Value").forEach(items::add);
    }
    return items;
  }

  private static String first(JsonNode item, String tag) {
    JsonNode value = item.path(tag).path("Value").path(0);
    return value.isMissingNode() ? "(no SOP Instance UID)" : value.asText();
  }

  private static String reason(JsonNode item) {
    JsonNode value = item.path(FAILURE_REASON).path("Value").path(0);
    return value.isNumber() ? String.format("0x%04X", value.asInt()) : "unknown";
  }
}
