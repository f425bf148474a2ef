package dev.sluice.ui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXPLAIN's text as trees, for drawing: the text has sections headed {@code == title ==}, and in each an
 * operator's inputs are indented under it. Reads only that shape, so the page follows whatever the plan's
 * text says.
 *
 * @param sections in the order of the text
 */
record PlanTree(List<Section> sections) {
    private static final Pattern HEADING = Pattern.compile("^==\\s*(.*?)\\s*==\\s*$");

    PlanTree {
        sections = List.copyOf(sections);
    }

    /**
     * One section of the text.
     *
     * @param roots its top lines, each with the lines indented under it
     */
    record Section(String title, List<Node> roots) {
        Section {
            roots = List.copyOf(roots);
        }
    }

    /** A line of the plan and the lines indented under it (an operator and its inputs). */
    record Node(String label, List<Node> children) {
        Node {
            children = List.copyOf(children);
        }
    }

    static PlanTree parse(String explain) {
        List<Section> sections = new ArrayList<>();
        String title = "Plan";
        List<Line> lines = new ArrayList<>();
        for (String line : explain.split("\r?\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                if (!lines.isEmpty()) {
                    sections.add(new Section(title, tree(lines)));
                }
                title = heading.group(1);
                lines = new ArrayList<>();
            } else if (!line.isBlank()) {
                int indent = 0;
                while (indent < line.length() && line.charAt(indent) == ' ') {
                    indent++;
                }
                lines.add(new Line(indent, line.strip()));
            }
        }
        if (!lines.isEmpty()) {
            sections.add(new Section(title, tree(lines)));
        }
        return new PlanTree(sections);
    }

    private record Line(int indent, String text) {
    }

    /** Mutable while the tree is built. */
    private static final class Building {
        final int indent;
        final String label;
        final List<Building> children = new ArrayList<>();

        Building(int indent, String label) {
            this.indent = indent;
            this.label = label;
        }

        Node toNode() {
            return new Node(label, children.stream().map(Building::toNode).toList());
        }
    }

    private static List<Node> tree(List<Line> lines) {
        List<Building> roots = new ArrayList<>();
        Deque<Building> open = new ArrayDeque<>();
        for (Line line : lines) {
            while (!open.isEmpty() && open.peek().indent >= line.indent()) {
                open.pop();
            }
            Building node = new Building(line.indent(), line.text());
            if (open.isEmpty()) {
                roots.add(node);
            } else {
                open.peek().children.add(node);
            }
            open.push(node);
        }
        return roots.stream().map(Building::toNode).toList();
    }
}
