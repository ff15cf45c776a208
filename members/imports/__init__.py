"""Member registers and past ratings from the spreadsheets committees keep, through the
enterprise lists' machinery (`organizations.imports`): each kind of list declares its columns
and a resource (`register`: the member register and the events its dates stand for;
`ratings`: member and organisation ratings); `running` holds the imports as the admin and the
commands call them (one transaction, serialised, recorded), `exports` the same lists written
out and the templates offered for download ("Tải tệp mẫu").
"""
