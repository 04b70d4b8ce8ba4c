import numpy as np, pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_validate
rng=np.random.default_rng(3)
n=60
t=np.arange(n)
a=np.round(rng.normal(size=n)*3+50+t*0.8,3)   # drifting feature: fold means differ
b=np.round(rng.normal(size=n)*1000+1e5,3)
c=np.round(rng.normal(size=n),3)
logit=0.4*(a-74)+0.002*(b-1e5)+1.2*c
y=(rng.uniform(size=n)<1/(1+np.exp(-logit))).astype(int)
X=np.c_[a,b,c]
sc=['accuracy','roc_auc','neg_log_loss']
p=Pipeline([('s',StandardScaler()),('m',LogisticRegression(tol=1e-10,max_iter=10000))])
r=cross_validate(p,X,y,cv=5,scoring=sc)
for k in sc: print(k, r['test_'+k].tolist())
leak=cross_validate(LogisticRegression(tol=1e-10,max_iter=10000),StandardScaler().fit_transform(X),y,cv=5,scoring=sc)
for k in sc: print('leak',k, leak['test_'+k].tolist())
print(y.sum())
csv="a,b,c,y\\n"+"".join(f"{a[i]:.3f},{b[i]:.3f},{c[i]:.3f},{y[i]}\\n" for i in range(n))
print(csv)
