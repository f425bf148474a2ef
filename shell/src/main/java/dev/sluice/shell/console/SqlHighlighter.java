package dev.sluice.shell.console;

import java.util.Locale;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** Shows SQL keywords and functions in bold blue and 'strings' in green as the user types. */
public final class SqlHighlighter implements Highlighter {
    private static final AttributedStyle KEYWORD = AttributedStyle.BOLD.foreground(AttributedStyle.BLUE);
    private static final AttributedStyle STRING = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);

    @Override
    public AttributedString highlight(LineReader reader, String buffer) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        int i = 0;
        while (i < buffer.length()) {
            char c = buffer.charAt(i);
            if (c == '\'') {
                int end = buffer.indexOf('\'', i + 1);
                end = end < 0 ? buffer.length() : end + 1;
                sb.styled(STRING, buffer.substring(i, end));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < buffer.length() && (Character.isLetterOrDigit(buffer.charAt(end)) || buffer.charAt(end) == '_')) {
                    end++;
                }
                String word = buffer.substring(i, end);
                if (SqlKeywords.isKeyword(word.toUpperCase(Locale.ROOT))) {
                    sb.styled(KEYWORD, word);
                } else {
                    sb.append(word);
                }
                i = end;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toAttributedString();
    }
}
