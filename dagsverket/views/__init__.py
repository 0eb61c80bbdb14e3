"""The core's views, one module per screen family: the home and login pages (`home`), the tablet's
check-in (`checkin`), participants and the attendance log (`participants`), reason codes
(`reasons`) and a record's history (`history`)."""
