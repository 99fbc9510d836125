/**
 * Step: report, its presentedForm — what a clinician reads in the EHR inbox. One XHTML template
 * ({@code ReportHtml}, stylesheet {@code report-form.css}) rendered as {@code text/html} and, by
 * openhtmltopdf on PDFBox 3, as PDF/A-2u ({@code application/pdf}, Liberation Sans embedded, sRGB
 * output intent): the AI-generated / preliminary banner and the model card's warning, the finding
 * with probability, threshold and indicator, the key image as the model saw it with its occlusion
 * map ({@link org.fusioncds.flow.Explanation}), the inputs used (value, unit, time, versioned
 * reference) and missing, the model's id, version, SHA-256, intended use and evaluation figures,
 * and the Provenance id. The patient is named by reference only. Runs on the write-back of a new
 * report, never on the cached path.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-6200 (500) the report form could not be rendered as PDF/A
 *   <li>FCDS-6201 (500) a part of the report form (stylesheet, font, colour profile) is missing
 *   <li>FCDS-6202 (500) the key image could not be encoded as PNG
 * </ul>
 */
package org.fusioncds.report.form;
