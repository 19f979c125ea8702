"""decisions/: leave decisions and payments, one row per decision and person."""

from dagster_project.contract.model import (
    BOOLEAN,
    CODE,
    DATE,
    ENUM,
    INTEGER,
    TEXT,
    Column,
    Delivery,
    InDelivery,
    Key,
    Staged,
    Staging,
)

DECISIONS = Delivery(
    name="decisions",
    vi="Quyết định nghỉ việc và chi trả theo Nghị định 178/67, 154, 177",
    en="Leave decisions and payments under Decrees 178/67, 154 and 177",
    row_vi="một quyết định cho một người",
    row_en="one decision for one person",
    summary="Leave decisions and payments under Decrees 178/67, 154, 177 (raw/decisions/); the "
            "person must be in some roster; one decision number lists many people, but the same "
            "number for the same person twice is quarantined (the first in delivery order is kept).",
    columns=(
        Column("national_id", "Số CCCD", CODE, required=True, digits=12,
               doc="National ID number of the person; stops at raw (staging: person_key)."),
        Column("decree", "Nghị định", ENUM, required=True,
               values={"178": ("178/2024", "67", "178/67"), "154": ("154/2025",), "177": ("177/2024",)},
               doc="'178' (178 as amended by 67), '154' or '177'.",
               note_vi="178 gồm cả 178 sửa đổi bởi 67", note_en="178 covers 178 as amended by 67"),
        Column("policy", "Chế độ", ENUM, required=True,
               values={"early_retirement": ("nghỉ hưu trước tuổi",),
                       "resignation": ("thôi việc", "nghỉ thôi việc"),
                       "part_time_leave": ("nghỉ việc không chuyên trách",)},
               doc="early_retirement, resignation or part_time_leave."),
        Column("decision_no", "Số quyết định", TEXT, required=True,
               doc="Số quyết định (shared by every person the decision lists)."),
        Column("decision_date", "Ngày quyết định", DATE, required=True, doc="Date of the decision."),
        Column("leave_date", "Ngày nghỉ", DATE, required=True, doc="First day without work.",
               note_vi="ngày đầu tiên không làm việc", note_en="first day without work"),
        Column("voluntary", "Tự nguyện", BOOLEAN, default=True,
               doc="True unless delivered false; lets a deferred person leave.",
               note_vi="cho phép người thuộc trường hợp chưa xem xét được nghỉ",
               note_en="lets a deferred person leave"),
        Column("amount_paid_vnd", "Số tiền đã chi (đồng)", INTEGER, min=0,
               doc="Amount paid, VND; null = not paid yet.",
               note_vi="để trống = chưa chi trả", note_en="empty = not paid yet"),
        Column("paid_date", "Ngày chi trả", DATE, doc="Payment date."),
    ),
    key=Key(("decision_no", "national_id"), duplicate="duplicate_decision", report="decision_no",
            vi="một quyết định là số quyết định và số CCCD cùng nhau (một quyết định thường ghi "
               "nhiều người)",
            en="a decision is its number and its person together (one decision often lists many "
               "people)"),
    lookups=(
        InDelivery("national_id", delivery="personnel", target="national_id",
                   reason="unknown_person", vi="một người có trong danh sách cán bộ nào đó",
                   en="a person in some roster"),
    ),
    staging=Staging(
        model="stg_deliveries__decisions",
        description="Leave decisions and payments under Decrees 178/67, 154 and 177, one row per "
                    "decision and person: a decision is its number and its person together (one "
                    "quyết định often lists many people, docs/delivery_contract.md).",
        staged=(
            Staged("person_key", of="national_id",
                   doc="The person (keyed hash of the national ID), who is in some roster."),
            Staged("is_voluntary", of="voluntary",
                   doc="True unless delivered false; lets a deferred person leave."),
        ),
    ),
)
