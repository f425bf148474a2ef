package dev.sluice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java examples of the docs compile against the current API (each as the body of a method). */
class DocsExamplesTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path classes;

    @Test
    void dataFrameGuideExamplesCompile() throws IOException {
        List<String> examples = javaBlocks(Path.of("..", "docs", "dataframe.md"));
        assertEquals(7, examples.size(), "examples found in docs/dataframe.md");
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            String name = "Example" + i;
            String code = "import dev.sluice.api.*;\nimport static dev.sluice.api.Functions.*;\n"
                    + "class " + name + " {\n  static void run(Sluice sluice) throws Exception {\n"
                    + examples.get(i) + "\n  }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = compiler.getTask(errors, null, null, List.of("-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), "-proc:none"), null, sources).call();
        assertTrue(ok, "docs/dataframe.md examples do not compile:\n" + errors);
    }

    static List<String> javaBlocks(Path markdown) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(markdown));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }
}
