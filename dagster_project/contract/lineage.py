"""lineage/: which old agency became which new one, one row per old -> new edge."""

from dagster_project.contract.model import (
    DECIMAL,
    ENUM,
    TEXT,
    Column,
    Delivery,
    InUnits,
    Key,
    SharesSumToOne,
    Staging,
)

LINEAGE = Delivery(
    name="lineage",
    vi="Bảng chuyển đổi cơ quan, đơn vị cũ - mới",
    en="Agency lineage",
    row_vi="một cạnh đơn vị cũ -> đơn vị mới",
    row_en="one old agency -> new agency edge",
    summary="Agency lineage old -> new (raw/lineage/); both ends must be known units and the "
            "shares of an old unit add up to 1.",
    columns=(
        Column("old_unit_code", "Mã đơn vị cũ", TEXT, required=True,
               doc="A pre-merger agency (raw.units, period pre)."),
        Column("new_unit_code", "Mã đơn vị mới", TEXT, required=True,
               doc="A post-merger agency (raw.units, period post)."),
        Column("share", "Tỷ lệ", DECIMAL, min=0, max=1, min_exclusive=True, default=1.0,
               doc="Share of the old agency going to the new one, in (0, 1]; the shares of one "
                   "old agency add up to 1."),
        Column("event", "Hình thức", ENUM,
               values={"merge": (), "split": (), "transfer": (), "rename": ()},
               doc="merge, split, transfer or rename."),
        Column("legal_basis", "Căn cứ", TEXT, doc="The resolution or decision (Căn cứ).",
               note_vi="nghị quyết hoặc quyết định", note_en="the resolution or decision"),
    ),
    key=Key(("old_unit_code", "new_unit_code")),
    lookups=(
        InUnits("old_unit_code", period="pre",
                detail_vi="trước 01/07/2025 (raw.units, period = pre)",
                detail_en="before 1 Jul 2025 (raw.units, period = pre)",
                vi="một đơn vị giai đoạn trước (pre) trong units/",
                en="a `pre` unit of units/"),
        InUnits("new_unit_code", period="post",
                detail_vi="từ 01/07/2025 (raw.units, period = post)",
                detail_en="from 1 Jul 2025 (raw.units, period = post)",
                vi="một đơn vị giai đoạn sau (post) trong units/",
                en="a `post` unit of units/"),
    ),
    whole_table=(SharesSumToOne(group="old_unit_code", share="share"),),
    staging=Staging(
        model="stg_deliveries__lineage",
        description="Agency lineage, one row per old agency -> new agency edge; share defaults to 1.",
    ),
)
