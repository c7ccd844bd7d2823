"""Writes the golden export files the loader tests read. Run once; the files are committed.

Each file is one real-world shape of export (data-contract.md), small enough to
know the exact outcome by reading it.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))


def main() -> None:
    header = "concern_id,raised_at,service,category,reviewed_at\n"
    # Windows-1252: Excel's "CSV" on Windows; é is one byte 0xE9
    write("concerns_cp1252.csv",
          "concern_id,raised_at,service,team,category\n"
          "W1,2023-10-04 09:15,Communities,Café outreach,Self-Neglect\n"
          "W2,2023-10-05,Housing Services,Tenancy – North,Hoarding\n", "cp1252")
    (HERE / "concerns_bom.csv").write_bytes(
        b"\xef\xbb\xbf" + (header + "B1,2023-10-04T09:15,Housing Services,Hoarding,2023-10-04T10:15\n").encode())
    write("concerns_semicolon.csv",
          "Concern ID; Raised At ;SERVICE;Category;Reviewed At\n"
          "S1;04/10/2023 09:15;Housing Services;Domestic Abuse, coercive control;04/10/2023 11:15\n"
          "S2;05/10/2023;Community Safety;Exploitation;\n")
    write("concerns_dupheaders.csv",
          "concern_id,Raised At,raised_at,service,category\nD1,2023-10-04,2023-10-04,Housing Services,Hoarding\n")
    write("concerns_trailing.csv",
          "concern_id,raised_at,service,category,,\n"
          "T1,2023-10-04,Housing Services,Hoarding,,\n"
          "T2,2023-10-05,Housing Services,Hoarding,,\n"
          ",,,,,\n\n\n")
    write("concerns_ukdates.csv",
          header
          + "U1,01/02/2024,Housing Services,Hoarding,01/02/2024 10:30\n"
          + "U2,31/02/2022,Housing Services,Hoarding,\n"
          + "U3,2024-02-02 08:00:00,Housing Services,Hoarding,2024-02-01 08:00\n"
          + "U4,02/03/2024 09:00,Housing Services,Hoarding,02/03/2024 09:00\n")
    write("concerns_identity.csv",
          "concern_id,raised_at,service,category,Subject Name,Date of Birth,Postcode,NHS Number,"
          "Email,Phone,Recorded By System\n"
          "I1,2023-10-04,Housing Services,Hoarding,Jane Example,01/01/1950,OX1 1AA,9434765919,"
          "j@example.org,01865 000000,MyConcern\n")
    write("concerns_missing_column.csv", "concern_id,raised_at,category\nM1,2023-10-04,Hoarding\n")
    (HERE / "concerns_undecodable.csv").write_bytes(header.encode() + b"X1,2023-10-04,Housing \x81\x8d,Hoarding,\n")
    write("concerns_duplicates.csv",
          header
          + "P1,2023-10-04,Housing Services,Hoarding,\n"
          + "P1,2023-10-04,Housing Services,Hoarding,\n"
          + "P2,2023-10-04,Housing Services,Hoarding,\n"
          + "P2,2023-10-05,Housing Services,Hoarding,\n")
    write("self_assessment_badrating.csv",
          "year,framework,area,standard_id,standard,self_rating,peer_rating\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,1,Senior commitment,green,GREEN\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,2,Accountability,Purple,\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,3,Training,Amber,Platinum\n")
    write("outcomes_funnel.csv",
          "period,programme,measure,sought,engaged,positive,negative\n"
          "2020-21,Mental health tenancy support,Avoided admission,41,27,13,6\n"
          "2020-21,Tenancy sustainment,Tenancy kept,20,25,10,\n"
          "2020-21,Youth Ambition,Into education,30,12,14,0\n"
          "2020-21,Rough sleeper outreach,Housed,10,8,5,4\n"
          "2020-21,Refugee resettlement,Settled,-1,0,0,0\n"
          "2020-21,Make Every Adult Matter,Engaged in support,,12,7,\n")
    write("training_booleans.csv",
          "snapshot_date,staff_id,service,course,level,required,completed_on,expires_on\n"
          "2023-12-31,007,Housing Services,Safeguarding awareness,1,Y,2021-01-01,\n"
          "2023-12-31,008,Housing Services,Safeguarding awareness,1,yes,2020-12-01,\n"
          "2023-12-31,009,Housing Services,Safeguarding awareness,1,TRUE,,\n"
          "2023-12-31,010,Housing Services,Safeguarding awareness,1,0,2023-01-01,\n"
          "2023-12-31,011,Housing Services,Safeguarding awareness,4,maybe,2023-13-45,\n")
    write("survey_responses_wide.csv",
          "response_id,survey_id,service,know_how_to_report,confident_raising,Respondent Email\n"
          "R1,2023,Housing Services,Yes,Very confident,a@example.org\n"
          "R2,2023,Community Safety,Yes,,b@example.org\n"
          "R3,2023,Community Safety,No,Not confident,\n")

    wb = Workbook()
    ws = wb.active
    ws.title = "Matrix"
    ws.append(["Training matrix export 31/12/2023"])
    ws.append([])
    ws.append(["Snapshot Date", "Staff ID", "Service", "Course", "Required", "Completed On", "Employee Name"])
    ws.append(["31/12/2023", "00731", "Councillors", "Councillor safeguarding briefing", "Y", "2023-05-17", "Cllr X"])
    ws.append(["31/12/2023", "00732", "Councillors", "Councillor safeguarding briefing", "N", None, "Cllr Y"])
    ws.append([None, None, None, None, None, None, None])
    wb.save(HERE / "training_title.xlsx")
    strict_cases(header)


def strict_cases(header: str) -> None:
    """Hostile or messy exports that must be rejected whole or quarantined row by row (issue 11)."""
    rows = [f"Q{i:02d},2023-10-{1 + i % 28:02d},Housing Services,Hoarding,\n" for i in range(1, 51)]
    rows[9] = 'Q10,2023-10-11,Housing Services,"Hoarding,\n'  # a quote opened on line 11 and never closed
    write("concerns_unbalanced_quote.csv", header + "".join(rows))
    write("concerns_usdates.csv", header
          + "A1,03/04/2023,Housing Services,Hoarding,\n"
          + "A2,12/25/2023,Housing Services,Hoarding,\n"
          + "A3,01/02/2024,Housing Services,Hoarding,\n")
    write("concerns_implausible.csv", header
          + "D1,1900-01-01,Housing Services,Hoarding,\n"
          + "D2,2099-06-30,Housing Services,Hoarding,\n"
          + "D3,0001-01-01,Housing Services,Hoarding,\n"
          + "D4,31/12/9999,Housing Services,Hoarding,\n"
          + "D5,2023-10-04,Housing Services,Hoarding,2099-01-01\n"
          + "D6,2000-01-01,Housing Services,Hoarding,2000-01-01 00:05\n")
    write("outcomes_strict.csv",
          "period,programme,measure,sought,engaged,positive,negative\n"
          '2020-21,Programme A,Housed,"1,0,0",12,7,\n'
          "2020-21,Programme B,Housed,1e3,12,7,\n"
          "2020-21,Programme C,Housed,20,12.0,7,\n"
          '2020-21,Programme D,Housed,"1,250",12,7,\n'
          "abc,Programme E,Housed,20,12,7,\n"
          "2023-25,Programme F,Housed,20,12,7,\n"
          "2099-00,Programme G,Housed,20,12,7,\n"
          "2023-24,Programme H,Housed,+20,12,7,0\n")
    text = header + "U1,2023-10-04,Housing Services,Café outreach,\nU2,2023-10-05,Housing Services,Hoarding,\n"
    (HERE / "concerns_utf16_bom.csv").write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    (HERE / "concerns_utf16_nobom.csv").write_bytes(text.replace("\n", "\r\n").encode("utf-16-le"))
    write("concerns_blank_lines.csv", header
          + "\n"
          + 'L1,2023-10-04,Housing Services,"Hoarding\n\nand neglect",\n'
          + "\n\n"
          + "L2,not a date,Housing Services,Hoarding,\n"
          + "   \n"
          + ",,,,\n"
          + "L3,2023-10-06,Housing Services,Hoarding,\n"
          + "\n")
    (HERE / "concerns_zip_renamed.csv").write_bytes(
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4)

    wb = Workbook()
    ws = wb.active
    ws.title = "Housing"
    ws.append(["Snapshot Date", "Staff ID", "Service", "Course", "Required"])
    ws.append(["31/12/2023", "00731", "Housing Services", "Safeguarding awareness", "Y"])
    ws.append(["31/12/2023", "00732", "Housing Services", "Safeguarding awareness", "maybe"])
    ws = wb.create_sheet("Notes")
    ws.append(["This workbook lists training by service."])
    ws = wb.create_sheet("Community Safety")
    ws.append(["Training matrix"])
    ws.append(["snapshot_date", "staff_id", "service", "course", "required"])
    ws.append(["31/12/2023", "00733", "Community Safety", "Safeguarding awareness", "N"])
    ws.append([None, None, None, None, None])
    ws.append(["31/12/2023", None, "Community Safety", "Safeguarding awareness", "N"])
    wb.create_sheet("Empty")
    wb.save(HERE / "training_sheets.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["snapshot_date", "staff_id", "service", "course", "required"])
    ws.append(["31/12/2023", "00731", "Housing Services", "Safeguarding awareness", "Y"])
    ws["XFD1048576"] = "x"
    wb.save(HERE / "training_huge_range.xlsx")


if __name__ == "__main__":
    main()
