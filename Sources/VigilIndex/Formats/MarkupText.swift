/// Escaping for text placed in HTML pages and reports and in XML documents: `& < > " '` become
/// entities (`&#39;` is valid in both), so text from files, users or the public renders inert in
/// element content and quoted attributes; characters XML 1.0 forbids (most C0 controls, lone
/// surrogates' replacements, U+FFFE/U+FFFF) become U+FFFD, which also keeps HTML free of them.
public enum MarkupText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = scalar.value
                let allowed =
                    v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
                    || (0x10000...0x10FFFF).contains(v)
                out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
            }
        }
        return out
    }
}
