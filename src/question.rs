//! Interview questions before they are embedded.
//!
//! Almost every behavioral question opens with the same frame ("Tell me about a time when
//! you…", "Describe a situation where…", "Give me an example of…"). A sentence embedding of
//! the whole question is pulled towards that shared frame, so two questions about different
//! principles look alike because they are phrased alike. [`focus`] strips the frame and
//! keeps what the question is about; [`embed_questions`] is the one place questions are
//! embedded (queries, batch runs, evaluation and the catalog's sample questions), so both
//! sides of every comparison are treated the same way.

use crate::embed::Embedder;
use crate::error::Result;

/// Leading frames, lowercase, tried longest first; each may be followed by a connector.
const FRAMES: &[&str] = &[
    "can you tell me about a time",
    "could you tell me about a time",
    "tell me about a situation",
    "tell me about a time",
    "tell me about an occasion",
    "tell me about a project",
    "tell me about",
    "tell us about a time",
    "describe a time",
    "describe a situation",
    "describe an occasion",
    "describe a scenario",
    "describe an example",
    "describe a project",
    "describe",
    "give me an example of a time",
    "give me an example of",
    "give me an example",
    "give an example of a time",
    "give an example of",
    "give an example",
    "share an example of a time",
    "share an example of",
    "share a time",
    "share an example",
    "walk me through a time",
    "walk me through",
    "talk about a time",
    "talk me through a time",
    "recall a time",
    "think of a time",
    "what is an example of a time",
    "what's an example of a time",
    "can you give an example of",
    "can you describe a time",
    "can you share a time",
    "have you ever",
    "please describe",
];

/// Words that may join the frame to the substance ("…a time *when you*…").
const CONNECTORS: &[&str] = &[
    "when", "where", "in", "which", "that", "you", "your", "of", "how", "where", "during",
];

/// The question without its leading frame; the original when nothing would remain.
pub fn focus(question: &str) -> String {
    let q = question.trim();
    let lower = q.to_lowercase();
    let Some(frame) = FRAMES.iter().find(|f| {
        lower.starts_with(*f)
            && lower[f.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    }) else {
        return q.to_string();
    };
    let mut rest = &q[frame.len()..];
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let word_end = trimmed
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(trimmed.len());
        let word = trimmed[..word_end].to_lowercase();
        if !word.is_empty() && CONNECTORS.contains(&word.as_str()) {
            rest = &trimmed[word_end..];
        } else {
            rest = trimmed;
            break;
        }
    }
    let rest = rest.trim();
    if rest.split_whitespace().count() < 2 {
        q.to_string()
    } else {
        rest.to_string()
    }
}

/// Embeds questions after [`focus`].
pub fn embed_questions(embedder: &mut dyn Embedder, questions: &[&str]) -> Result<Vec<Vec<f32>>> {
    let focused: Vec<String> = questions.iter().map(|q| focus(q)).collect();
    let refs: Vec<&str> = focused.iter().map(String::as_str).collect();
    embedder.embed(&refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_frames_and_connectors() {
        assert_eq!(
            focus("Tell me about a time when you disagreed with your manager."),
            "disagreed with your manager."
        );
        assert_eq!(
            focus("Give me an example of when you used data to make a decision"),
            "used data to make a decision"
        );
        assert_eq!(
            focus("Describe a situation where you, as a lead, said no"),
            "as a lead, said no"
        );
        assert_eq!(
            focus("Who was your most difficult customer?"),
            "Who was your most difficult customer?"
        );
    }

    #[test]
    fn keeps_questions_that_would_vanish() {
        assert_eq!(focus("Tell me about a time."), "Tell me about a time.");
        assert_eq!(focus("Describe yourself"), "Describe yourself");
        assert_eq!(focus("Describing failure"), "Describing failure");
    }
}
