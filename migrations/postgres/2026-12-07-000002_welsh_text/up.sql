-- Welsh text of the treatment topics, referral rules and registries, and whether a
-- Welsh-speaking clinician has reviewed it (welsh_review: reviewed, not_reviewed or empty).
ALTER TABLE treatment_topics ADD COLUMN title_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_topics ADD COLUMN summary_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_topics ADD COLUMN body_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE treatment_topics ADD COLUMN welsh_review TEXT NOT NULL DEFAULT '';
ALTER TABLE referral_rules ADD COLUMN rule_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE referral_rules ADD COLUMN details_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE referral_rules ADD COLUMN welsh_review TEXT NOT NULL DEFAULT '';
ALTER TABLE registries ADD COLUMN name_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE registries ADD COLUMN publishes_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE registries ADD COLUMN notes_cy TEXT NOT NULL DEFAULT '';
ALTER TABLE registries ADD COLUMN welsh_review TEXT NOT NULL DEFAULT '';
