# ROC per image check and perceptual-hash recall from `image_grades` CSV (docs/image_checks.md).
# Usage: build/tests/image_grades IMAGES... > grades.csv && python3 bench/image_grades_roc.py grades.csv
import csv, sys
rows=list(csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else 'grades.csv')))
def roc(name, good, bad, key, higher_is_good=True):
    # AUC and the threshold maximising Youden's J (TPR - FPR); "positive" = bad image flagged
    g=[float(r[key]) for r in good]; b=[float(r[key]) for r in bad]
    if not higher_is_good: g=[-x for x in g]; b=[-x for x in b]
    auc=sum((x<y)+0.5*(x==y) for x in b for y in g)/(len(g)*len(b))
    best=None
    for t in sorted(set(g+b)):
        tpr=sum(x<t for x in b)/len(b); fpr=sum(x<t for x in g)/len(g)
        if best is None or tpr-fpr>best[0]: best=(tpr-fpr,t,tpr,fpr)
    j,t,tpr,fpr=best
    print(f"{name}: n_good={len(g)} n_bad={len(b)} AUC={auc:.3f} threshold={'>=' if higher_is_good else '<='}{abs(t):.4g} recall={tpr:.3f} false_alarm={fpr:.3f}")
blur=[r for r in rows if r['kind']=='blur']
roc("sharpness (good: sigma<=1, bad: sigma>=2)",[r for r in blur if float(r['level'])<=1],[r for r in blur if float(r['level'])>=2],'sharpness')
ex=[r for r in rows if r['kind']=='exposure']
good=[r for r in ex if 0.7<=float(r['level'])<=1.4]
roc("clipped_shadows (good: gain 0.7-1.4, bad: gain<=0.35)",good,[r for r in ex if float(r['level'])<=0.35],'clipped_shadows',False)
roc("clipped_highlights (good: gain 0.7-1.4, bad: gain>=2.8)",good,[r for r in ex if float(r['level'])>=2.8],'clipped_highlights',False)
roc("contrast (good: gain 0.7-1.4, bad: gain<=0.25 or >=2.8)",good,[r for r in ex if float(r['level'])<=0.25 or float(r['level'])>=2.8],'contrast')
ds=[r for r in rows if r['kind']=='downscale']
for f in ['1','0.5','0.25','0.125']:
    v=sorted(float(r['sharpness']) for r in ds if r['level']==f); print('downscale',f,'median sharpness',v[len(v)//2])
for s in ['0','1','2','4','8']:
    v=sorted(float(r['sharpness']) for r in blur if r['level']==s); print('blur',s,'min/median/max sharpness',v[0],v[len(v)//2],v[-1])
print("noise by blur (median):",[ (s,sorted(float(r['noise']) for r in blur if r['level']==s)[len(blur)//18]) for s in ['0','1','2','4']])
# near duplicates: hash distance
copies=[r for r in rows if r['kind'].startswith('copy:')]
pairs=[int(r['hash_distance']) for r in rows if r['kind']=='pair']
for T in [6,8,10,12,14]:
    rec=sum(int(r['hash_distance'])<=T for r in copies)/len(copies)
    fm=sum(d<=T for d in pairs)/len(pairs)
    per={k:sum(int(r['hash_distance'])<=T for r in copies if r['kind']==k)/sum(1 for r in copies if r['kind']==k) for k in sorted(set(r['kind'] for r in copies))}
    print(f"distance<={T}: copy recall={rec:.3f} ({len(copies)} copies) false matches={fm:.4f} ({len(pairs)} pairs) per kind", {k:round(v,3) for k,v in per.items()})
