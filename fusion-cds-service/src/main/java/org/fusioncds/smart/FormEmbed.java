package org.fusioncds.smart;

import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.report.form.Xhtml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The report's stored HTML form (the XHTML {@code report.form} wrote and the FHIR server keeps as a
 * Binary), made part of the app's page: parsed as XML (no DTD or entity is loaded), its body copied
 * through an allowlist of elements and attributes (no script, style, event handler or link; images
 * only as {@code data:image/png}), the form's two-image table replaced by the app's interactive key
 * image, and the overlay image taken out for the toggle. The page shows the report exactly as the
 * form words it: one template, never a second renderer.
 */
final class FormEmbed {

  /** Where the app's key image goes in the embedded form. */
  static final String KEY_IMAGE_SLOT = "<!--fcds-key-image-->";

  private static final Set<String> ELEMENTS =
      Set.of(
          "div", "p", "span", "h1", "h2", "h3", "table", "caption", "thead", "tbody", "tr", "th",
          "td", "ul", "li", "strong", "em", "br");
  private static final Map<String, Set<String>> ATTRIBUTES =
      Map.of("*", Set.of("class", "role"), "th", Set.of("class", "scope"));

  /** The sanitised body (with {@link #KEY_IMAGE_SLOT}), the overlay PNG or null, the title. */
  record Embedded(String body, byte[] overlayPng, String title) {}

  private FormEmbed() {}

  static Embedded of(byte[] xhtml) {
    Document doc = parse(xhtml);
    Element body = (Element) doc.getElementsByTagName("body").item(0);
    StringBuilder out = new StringBuilder(xhtml.length);
    byte[][] overlay = new byte[1][];
    copyChildren(body, out, overlay);
    Node title = doc.getElementsByTagName("title").item(0);
    return new Embedded(out.toString(), overlay[0], title == null ? "" : title.getTextContent());
  }

  private static void copyChildren(Node parent, StringBuilder out, byte[][] overlay) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        Xhtml.escape(out, n.getNodeValue());
      } else if (n.getNodeType() == Node.ELEMENT_NODE) {
        copy((Element) n, out, overlay);
      }
    }
  }

  private static void copy(Element e, StringBuilder out, byte[][] overlay) {
    String name = e.getLocalName() == null ? e.getTagName() : e.getLocalName();
    if ("table".equals(name) && e.getAttribute("class").contains("images")) {
      findOverlay(e, overlay);
      out.append(KEY_IMAGE_SLOT);
      return;
    }
    if (!ELEMENTS.contains(name)) {
      return; // script, style, img, a, form, anything else: dropped with its content
    }
    out.append('<').append(name);
    NamedNodeMap attrs = e.getAttributes();
    Set<String> allowed = ATTRIBUTES.getOrDefault(name, ATTRIBUTES.get("*"));
    for (int i = 0; i < attrs.getLength(); i++) {
      Node a = attrs.item(i);
      if (allowed.contains(a.getNodeName())) {
        out.append(' ').append(a.getNodeName()).append("=\"");
        Xhtml.escape(out, a.getNodeValue());
        out.append('"');
      }
    }
    out.append('>');
    if (!"br".equals(name)) {
      copyChildren(e, out, overlay);
      out.append("</").append(name).append('>');
    }
  }

  private static void findOverlay(Element table, byte[][] overlay) {
    var images = table.getElementsByTagName("img");
    for (int i = 0; i < images.getLength(); i++) {
      Element img = (Element) images.item(i);
      String src = img.getAttribute("src");
      String prefix = "data:image/png;base64,";
      if (Xhtml.OVERLAY_ALT.equals(img.getAttribute("alt")) && src.startsWith(prefix)) {
        overlay[0] = Base64.getDecoder().decode(src.substring(prefix.length()));
      }
    }
  }

  private static Document parse(byte[] xhtml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setExpandEntityReferences(false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // throws, prints nothing
      return b.parse(new ByteArrayInputStream(xhtml));
    } catch (Exception e) {
      throw new AppRefusal(
          ErrorCode.SMART_FHIR_READ, "the report's HTML form is not readable XHTML", e);
    }
  }
}
