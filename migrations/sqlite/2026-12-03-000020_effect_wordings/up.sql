-- The new wording (nội dung sửa đổi, bổ sung) that an amending effect gives each provision it
-- changes, when the effect record states it: one row per (effect, provision key), in the order
-- the record gave them. Effects whose record gives none are read from the acting document's
-- quoted text (registry::wording).
CREATE TABLE effect_wordings (
    effect_id BIGINT NOT NULL REFERENCES effects (id),
    provision TEXT NOT NULL,
    position INTEGER NOT NULL,
    wording TEXT NOT NULL,
    PRIMARY KEY (effect_id, provision)
);
