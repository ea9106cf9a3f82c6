package io.eflow.contract.route;

/** Reads text as a number the way a JSON number is written, without the leniency of Double.parseDouble. */
final class Numbers {
    private Numbers() {
    }

    /**
     * The number {@code text} writes ({@code -12}, {@code 3.5}, {@code 1e-3}, {@code .5}), or NaN when it writes none:
     * no surrounding spaces, no "NaN", "Infinity", hexadecimal or type suffixes, which parseDouble would take.
     */
    static double parse(String text) {
        int i = 0;
        int length = text.length();
        if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            i++;
        }
        int digits = 0;
        while (i < length && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < length && text.charAt(i) == '.') {
            i++;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            int exponentDigits = 0;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
                exponentDigits++;
            }
            if (exponentDigits == 0) {
                return Double.NaN;
            }
        }
        if (i != length) {
            return Double.NaN;
        }
        double value = Double.parseDouble(text);
        return Double.isFinite(value) ? value : Double.NaN;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
