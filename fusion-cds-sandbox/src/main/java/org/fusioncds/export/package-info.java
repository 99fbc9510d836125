/**
 * The training side of the one assembly path: a generated cohort run through the serving {@code
 * assemble} step and written as NumPy {@code .npy} tensors with their labels ({@code cohort
 * --export-tensors}, {@code cohort-export}), so that training and serving cannot differ. A tool:
 * not in the service jar.
 */
package org.fusioncds.export;
